import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { expectPlayingTogether, sample, shownVideo, withClipPlaying } from './playback';
import { expectMesh } from './room';

const timeline = (page: Page) => page.locator('lc-watch').getByRole('img', { name: /^Buffered/ });
const note = (page: Page) => page.locator('lc-watch').getByRole('status');
const sound = (page: Page) =>
  shownVideo(page).evaluate((v: HTMLVideoElement) => ({ volume: v.volume, muted: v.muted }));

/** Clicks the timeline at `share` (0–1) of its width. */
async function clickTimeline(page: Page, share: number): Promise<void> {
  const bar = timeline(page);
  await expect(bar).toBeVisible({ timeout: 20_000 });
  const box = await bar.boundingBox();
  if (!box) throw new Error('the timeline has no box');
  await bar.click({ position: { x: box.width * share, y: box.height / 2 } });
}

test('a click on the timeline seeks for whoever may steer; a guest who may not is told why', async ({
  signUp,
}) => {
  await withClipPlaying(signUp, async (host, ann) => {
    // Ann may not steer: the player says so, a click says why, and the host plays on.
    await expect(ann.page.getByText('Only the host controls playback.').first()).toBeVisible();
    const before = (await sample(host.page)).position;
    await clickTimeline(ann.page, 0.75);
    await expect(note(ann.page)).toHaveText('Only the host controls playback.');
    expect((await sample(host.page)).position).toBeLessThan(before + 10);

    // The host's click seeks everyone to a quarter of the minute-long clip.
    await clickTimeline(host.page, 0.25);
    await expect.poll(() => sample(host.page).then((s) => s.position)).toBeGreaterThan(13);
    expect((await sample(host.page)).position).toBeLessThan(22);
    await expectPlayingTogether(host, [ann]);

    // Once allowed, Ann's click asks the host to seek there, and everyone follows.
    await host.page.getByRole('checkbox', { name: 'Allow guests to control playback' }).check();
    await expect(ann.page.getByText('Only the host controls playback.')).toHaveCount(0);
    await clickTimeline(ann.page, 0.75);
    await expect
      .poll(() => sample(host.page).then((s) => s.position), { timeout: 15_000 })
      .toBeGreaterThan(43);
    expect((await sample(host.page)).position).toBeLessThan(52);
    await expectPlayingTogether(host, [ann]);
  });
});

test('each person’s volume and mute are remembered on their device across a reload', async ({
  signUp,
}) => {
  await withClipPlaying(signUp, async (host, ann) => {
    const player = ann.page.getByRole('group', { name: 'Player' });
    await player.getByRole('slider', { name: 'Volume' }).fill('0.4');
    await expect.poll(() => sound(ann.page).then((s) => s.volume)).toBeCloseTo(0.4, 2);
    await player.getByRole('button', { name: 'Mute', exact: true }).click();
    await expect.poll(() => sound(ann.page).then((s) => s.muted)).toBe(true);

    await ann.page.reload();
    await expectMesh(ann.page, ann, [host]);
    await expectPlayingTogether(host, [ann]);
    await expect.poll(() => sound(ann.page)).toEqual({ volume: 0.4, muted: true });
    await expect(player.getByRole('button', { name: 'Mute', exact: true })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    // The host's sound is its own.
    expect(await sound(host.page)).toEqual({ volume: 1, muted: false });
  });
});
