import type { Locator, Page } from '@playwright/test';
import { SEEK_STEP_S, VOLUME_STEP } from '../client/comfort/player-keys';
import { serveClips } from './clip-server';
import { CLIPS } from './clips';
import { expect, test } from './fixtures';
import {
  expectPausedTogether,
  expectPlayingTogether,
  loadUrl,
  sample,
  shownVideo,
} from './playback';
import { chatLog, openRoomWith } from './room';

const controls = (page: Page): Locator => page.getByRole('group', { name: 'Player' });
const button = (page: Page, name: string): Locator =>
  controls(page).getByRole('button', { name, exact: true });
const note = (page: Page): Locator => page.locator('lc-watch').getByRole('status');
const sound = (page: Page) =>
  shownVideo(page).evaluate((v: HTMLVideoElement) => ({ volume: v.volume, muted: v.muted }));
/** Clicks somewhere that takes focus from every control, so keys go to the page. */
const focusPage = (page: Page) => page.locator('lc-room h1').click();
const inFullScreen = (page: Page) =>
  page.locator('lc-player').evaluate((p) => !!p.shadowRoot?.querySelector('.screen:fullscreen'));

test('every person has their own volume, mute, full screen with the chat, picture in picture and keys', async ({
  signUp,
}) => {
  // Three people playing through many steps: about 50 s quiet, twice that with a core kept busy.
  test.setTimeout(180_000);
  const clips = await serveClips();
  try {
    const [host, ann, bob] = await Promise.all([signUp('host'), signUp('ann'), signUp('bob')]);
    const guests = [ann, bob];
    await openRoomWith(host, guests);
    await loadUrl(host, clips.url(CLIPS.blue.file));
    await expectPlayingTogether(host, guests);
    // Paused while each person tries their own controls, so a busy machine never plays the
    // 60 s film to its end before a guest's key is tried on it.
    await focusPage(host.page);
    await host.page.keyboard.press('Space');
    await expectPausedTogether(host, guests);

    // Everyone's timeline shows what their own player holds and where the host is.
    for (const person of [host, ann]) {
      const timeline = person.page.locator('lc-watch').getByRole('img', { name: /^Buffered/ });
      await expect(timeline).toHaveAttribute(
        'aria-label',
        /^Buffered 0:00 to \d+:\d\d.* of 1:00; host at \d+:\d\d$/,
      );
      await expect(timeline.locator('.range').first()).toBeVisible();
      await expect(timeline.locator('.host')).toHaveCount(1);
    }

    // Ann's volume and mute are hers alone.
    await controls(ann.page).getByRole('slider', { name: 'Volume' }).fill('0.3');
    await expect.poll(() => sound(ann.page).then((s) => s.volume)).toBeCloseTo(0.3, 2);
    const mute = button(ann.page, 'Mute');
    await mute.click();
    await expect(mute).toHaveAttribute('aria-pressed', 'true');
    expect((await sound(ann.page)).muted).toBe(true);
    for (const other of [host, bob])
      expect(await sound(other.page)).toEqual({ volume: 1, muted: false });
    // M unmutes; the arrows change the volume.
    await mute.press('m');
    await expect(mute).toHaveAttribute('aria-pressed', 'false');
    await mute.press('ArrowDown');
    await expect
      .poll(() => sound(ann.page).then((s) => s.volume))
      .toBeCloseTo(0.3 - VOLUME_STEP, 2);
    await expect(controls(ann.page).getByRole('slider', { name: 'Volume' })).toHaveValue(
      String(Math.round((0.3 - VOLUME_STEP) * 100) / 100),
    );

    // Typing in the chat is typing: no key does anything to the player.
    await ann.page.getByRole('textbox', { name: 'Message' }).pressSequentially('m f ');
    expect((await sound(ann.page)).muted).toBe(false);
    expect(await inFullScreen(ann.page)).toBe(false);
    await ann.page.getByRole('textbox', { name: 'Message' }).fill('');

    // A guest who may not steer is told why, and nothing changes.
    await focusPage(ann.page);
    await ann.page.keyboard.press('Space');
    await expect(note(ann.page)).toHaveText('Only the host controls playback.');
    expect((await sample(host.page)).paused).toBe(true);

    // Once the host allows it, Space plays and pauses everyone, and an arrow seeks everyone.
    await host.page.getByRole('checkbox', { name: 'Allow guests to control playback' }).check();
    await focusPage(ann.page);
    await ann.page.keyboard.press('Space');
    await expectPlayingTogether(host, guests);
    await ann.page.keyboard.press('Space');
    await expectPausedTogether(host, guests);
    const before = (await sample(host.page)).position;
    await ann.page.keyboard.press('ArrowRight');
    await expect
      .poll(() => sample(host.page).then((s) => s.position - before))
      .toBeGreaterThan(SEEK_STEP_S - 0.5);
    expect((await sample(host.page)).position - before).toBeLessThan(SEEK_STEP_S + 0.5);
    await ann.page.keyboard.press('Space');
    await expectPlayingTogether(host, guests);

    // The host's keys act on its own player, which everyone follows.
    await focusPage(host.page);
    await host.page.keyboard.press('Space');
    await expectPausedTogether(host, guests);

    // Full screen: the picture with the bar over it, and the chat on demand.
    const full = button(bob.page, 'Full screen');
    await full.click();
    await expect.poll(() => inFullScreen(bob.page)).toBe(true);
    await expect(full).toHaveAttribute('aria-pressed', 'true');
    await expect(
      bob.page.locator('lc-overlay').getByRole('group', { name: 'Reactions' }),
    ).toBeVisible();
    await button(bob.page, 'Show chat').click();
    const overlayChat = bob.page.locator('lc-overlay');
    await expect(overlayChat.getByRole('log', { name: 'Chat' })).toBeVisible();
    const box = overlayChat.getByRole('textbox', { name: 'Message' });
    await box.fill('said from full screen');
    await box.press('Enter');
    await expect(chatLog(host.page)).toContainText('said from full screen');
    await expect(overlayChat.getByRole('log', { name: 'Chat' })).toContainText(
      'said from full screen',
    );
    await sendFromHost(host.page, 'the host answers');
    await expect(overlayChat.getByRole('log', { name: 'Chat' })).toContainText('the host answers');
    // F leaves full screen; the bar and the one chat are back where they were.
    await full.press('f');
    await expect.poll(() => inFullScreen(bob.page)).toBe(false);
    await expect(button(bob.page, 'Show chat')).toBeHidden();
    await expect(bob.page.getByRole('textbox', { name: 'Message' })).toHaveCount(1);

    // Picture in picture, where the browser offers it; said so where it does not.
    const pip = button(bob.page, 'Picture in picture');
    await pip.click();
    if (await bob.page.evaluate(() => document.pictureInPictureEnabled)) {
      await expect
        .poll(() => bob.page.evaluate(() => !!document.pictureInPictureElement))
        .toBe(true);
      await pip.click();
      await expect
        .poll(() => bob.page.evaluate(() => !!document.pictureInPictureElement))
        .toBe(false);
    } else {
      await expect(note(bob.page)).toHaveText(
        'Picture in picture is not available for this video.',
      );
    }
  } finally {
    await clips.close();
  }
});

async function sendFromHost(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

test('the timeline keeps its line before a video arrives, so the player’s controls do not move', async ({
  signUp,
}) => {
  const clips = await serveClips();
  try {
    const host = await signUp('host');
    await openRoomWith(host, []);
    const { page } = host;
    /** Where the player's controls sit in the bar under the video, whatever the video's size. */
    const offset = async () => {
      const [bar, group] = await Promise.all([
        page.locator('lc-watch').boundingBox(),
        controls(page).boundingBox(),
      ]);
      if (!bar || !group) throw new Error('no bar or controls');
      return group.y - bar.y;
    };
    await expect(controls(page)).toBeVisible();
    const before = await offset();
    await loadUrl(host, clips.url(CLIPS.blue.file));
    await expect(page.locator('lc-watch').getByRole('img', { name: /^Buffered/ })).toBeVisible({
      timeout: 20_000,
    });
    expect(await offset()).toBe(before);
  } finally {
    await clips.close();
  }
});
