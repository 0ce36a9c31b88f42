import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { SUBTITLE_FILE_MAX_BYTES } from '../shared/subtitles/limits';
import { serveClips } from './clip-server';
import { CLIP_DIR, CLIPS } from './clips';
import { expect, type Person, test } from './fixtures';
import { joinAsNodePeer } from './node-peer';
import {
  expectPausedTogether,
  expectPlayingTogether,
  loadUrl,
  STARVED_WAIT_MS,
  shownVideo,
} from './playback';
import { chatLog, expectMesh, joinRoom, openRoomWith, peopleList, streamFile } from './room';
import { cue, pickSubtitles, subtitlesFile } from './subtitles';
import { textTrackClips } from './text-track-clips';

/** Each cue lasts two seconds: "Line 0" from 0 s, "Line 1" from 2 s, … to the clip's minute. */
const CUE_S = 2;
const CUES = 30;
/** Cue 3 (6–8 s) carries markup, which must come out as its words and nothing else. */
const MARKUP = '<b>Bold</b> and <script>window.__pwned = true</script>';
const MARKUP_SHOWN = 'Bold and window.__pwned = true';
const shownFor = (i: number): string => (i === 3 ? MARKUP_SHOWN : `Line ${i}`);

function srt(): string {
  const stamp = (s: number) => `00:00:${String(s).padStart(2, '0')},000`;
  const blocks = Array.from(
    { length: CUES },
    (_, i) =>
      `${i + 1}\n${stamp(i * CUE_S)} --> ${stamp((i + 1) * CUE_S)}\n${i === 3 ? MARKUP : `Line ${i}`}\n`,
  );
  return blocks.join('\n');
}

const subtitles = (page: Page): Locator => page.getByRole('group', { name: 'Subtitles' });
const showBox = (page: Page): Locator =>
  subtitles(page).getByRole('checkbox', { name: 'Show subtitles', exact: true });
const delayBox = (page: Page): Locator =>
  subtitles(page).getByRole('spinbutton', { name: 'Subtitle delay', exact: true });
const sizeBox = (page: Page): Locator =>
  subtitles(page).getByRole('combobox', { name: 'Subtitle size', exact: true });

/** The host pauses its own player at `position` s; everyone's follows. */
async function pauseHostAt(host: Person, position: number): Promise<void> {
  await shownVideo(host.page).evaluate((v: HTMLVideoElement, p) => {
    v.pause();
    v.currentTime = p;
  }, position);
}

/**
 * Whether what `page` shows is the cue for its own video's time less `delay`, read in one go;
 * the subtitle is looked up every 0.1 s, so the cue of a moment earlier counts too.
 */
function showsCueOfItsTime(page: Page, delay: number): Promise<boolean> {
  return page
    .locator('lc-player')
    .evaluate(
      (player, { delay, cueS, lag }) => {
        const video = player.shadowRoot?.querySelector('video:not([hidden])');
        const span = player.querySelector('lc-overlay')?.shadowRoot?.querySelector('.cue span');
        if (!(video instanceof HTMLVideoElement) || !span) return null;
        const index = (t: number) => Math.floor((t - delay) / cueS);
        return {
          text: span.textContent,
          now: index(video.currentTime),
          before: index(video.currentTime - lag),
        };
      },
      { delay, cueS: CUE_S, lag: 0.4 },
    )
    .then(
      (seen) => !!seen && [shownFor(seen.now), shownFor(seen.before)].includes(seen.text ?? ''),
    );
}

/** Host and Ann in a room playing the blue clip by URL; Bob signed up, not in yet. */
async function playingWithAnn(
  signUp: (name: string) => Promise<Person>,
  clips: Awaited<ReturnType<typeof serveClips>>,
) {
  const [host, ann, bob] = await Promise.all([signUp('host'), signUp('ann'), signUp('bob')]);
  const access = await openRoomWith(host, [ann]);
  await loadUrl(host, clips.url(CLIPS.blue.file));
  await expectPlayingTogether(host, [ann]);
  return { host, ann, bob, access };
}

test('the host’s subtitles show for everyone, late joiners too, each with their own delay, size and choice', async ({
  signUp,
  server,
}) => {
  const clips = await serveClips();
  try {
    const { host, ann, bob, access } = await playingWithAnn(signUp, clips);

    // A file that is too large or not text is refused, with a message to the host.
    await subtitlesFile(host.page).setInputFiles({
      name: 'huge.srt',
      mimeType: 'application/x-subrip',
      buffer: Buffer.alloc(SUBTITLE_FILE_MAX_BYTES + 1, 'a'),
    });
    const refusal = host.page.locator('lc-subtitles').getByRole('alert');
    await expect(refusal).toContainText('“huge.srt” is larger than');
    await subtitlesFile(host.page).setInputFiles({
      name: 'movie.srt',
      mimeType: 'application/x-subrip',
      buffer: Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0, 0x42, 0x86, 0x81, 0x01]),
    });
    await expect(refusal).toHaveText(
      '“movie.srt” is not a text file; choose an .srt or .vtt subtitles file.',
    );

    // The subtitles go to everyone and follow each player's own time while it plays.
    await pickSubtitles(host, 'talk.srt', srt());
    await expect(refusal).toBeHidden();
    await expect(ann.page.locator('lc-subtitles').getByRole('status')).toHaveText(
      `The host shared subtitles (${CUES} lines).`,
    );
    for (const person of [host, ann]) {
      await expect.poll(() => showsCueOfItsTime(person.page, 0), { timeout: 10_000 }).toBe(true);
    }

    // Paused inside the cue with markup: its words show as text, and nothing of it runs.
    await pauseHostAt(host, 7);
    await expectPausedTogether(host, [ann]);
    for (const person of [host, ann]) {
      await expect(cue(person.page)).toHaveText(MARKUP_SHOWN);
      expect(
        await person.page
          .locator('lc-overlay')
          .evaluate((o) => o.shadowRoot?.querySelectorAll('.cue b, .cue script').length),
      ).toBe(0);
      expect(await person.page.evaluate(() => 'window.__pwned' in window)).toBe(false);
    }

    // Bob comes late and gets them too.
    await joinRoom(bob, access);
    await expectMesh(bob.page, bob, [host, ann]);
    await expect(cue(bob.page)).toHaveText(MARKUP_SHOWN, { timeout: 15_000 });

    // Ann's delay is hers: 2 s later means the cue of 5 s; Bob's stays.
    await delayBox(ann.page).fill('2');
    await expect(cue(ann.page)).toHaveText('Line 2');
    await delayBox(ann.page).fill('-2.5');
    await expect(cue(ann.page)).toHaveText('Line 4');
    await expect(cue(bob.page)).toHaveText(MARKUP_SHOWN);
    await expect(cue(host.page)).toHaveText(MARKUP_SHOWN);

    // Her size and her choice to hide them are hers too.
    await sizeBox(ann.page).selectOption('Large');
    await expect(ann.page.locator('lc-overlay .cue')).toHaveAttribute('data-size', 'large');
    await showBox(ann.page).uncheck();
    await expect(cue(ann.page)).toHaveCount(0);
    await expect(cue(bob.page)).toHaveText(MARKUP_SHOWN);

    // A stranger's pages, not the host's, change nothing; nor do huge or broken ones.
    const hostile = await joinAsNodePeer(new URL(server.url), access);
    try {
      await expect(
        peopleList(bob.page).getByRole('listitem').filter({ hasText: hostile.account.username }),
      ).toContainText('connected', { timeout: 15_000 });
      const bobPeer = hostile.members.find((m) => m.name === bob.name);
      if (!bobPeer) throw new Error('Bob is not in the join ack');
      const send = (value: unknown): void =>
        hostile.send(bobPeer.peerId, typeof value === 'string' ? value : JSON.stringify(value));
      const evil = { start: 0, end: 60, text: 'EVIL' };
      send({ type: 'subtitles', id: 'evil', page: 0, pages: 1, cues: [evil] });
      send({ type: 'subtitles-off' });
      send({
        type: 'subtitles',
        id: 'x',
        page: 0,
        pages: 1,
        cues: [{ ...evil, text: 'E'.repeat(20_000) }],
      });
      send({ type: 'subtitles', id: 'x', page: 0, pages: 10_000_000, cues: [evil] });
      send({ type: 'subtitles', id: 'x', page: 0, pages: 1, cues: [{ start: -1, end: 'x' }] });
      send('{"type":"subtitles",');
      for (let i = 0; i < 300; i += 1) {
        send({ type: 'subtitles', id: `flood${i}`, page: 0, pages: 2, cues: [evil] });
      }
      await hostile.drained(bobPeer.peerId);
      // What came before a chat line has been dealt with once it shows. The flood emptied Bob's
      // bucket for this link, so a line may be dropped too: send one until one gets through.
      let line = 0;
      await expect(async () => {
        line += 1;
        send({ type: 'chat', id: `after-${line}`, text: 'after the flood', sentAt: Date.now() });
        await expect(chatLog(bob.page)).toContainText('after the flood', { timeout: 1000 });
      }).toPass({ timeout: 20_000 });
      await expect(cue(bob.page)).toHaveText(MARKUP_SHOWN);
    } finally {
      hostile.close();
    }

    // Ann's settings outlast a reload, and she gets the subtitles again as she reconnects.
    await ann.page.reload();
    await expectMesh(ann.page, ann, [host, bob]);
    await expect(showBox(ann.page)).not.toBeChecked();
    await expect(delayBox(ann.page)).toHaveValue('-2.5');
    await expect(sizeBox(ann.page)).toHaveValue('large');
    // Her seek bar shows once her video knows its length, moving what is below it down: on a
    // busy machine a click taken before that lands beside the box.
    await expect(ann.page.getByRole('img', { name: /^Buffered/ })).toBeVisible({
      timeout: STARVED_WAIT_MS,
    });
    await showBox(ann.page).check();
    await expect(cue(ann.page)).toHaveText('Line 4', { timeout: 15_000 });

    // The host removes them for everyone.
    await host.page.getByRole('button', { name: 'Remove subtitles' }).click();
    for (const person of [host, ann, bob]) await expect(cue(person.page)).toHaveCount(0);
    await expect(bob.page.locator('lc-subtitles').getByRole('status')).toHaveText(
      'The host removed the subtitles.',
    );
  } finally {
    await clips.close();
  }
});

test('subtitles show over the host’s live stream and in full screen', async ({ signUp }) => {
  const [host, ann] = await Promise.all([signUp('host'), signUp('ann')]);
  await openRoomWith(host, [ann]);
  await streamFile(host.page, CLIPS.blue.file);
  await expect(ann.page.locator('lc-player video.remote')).toBeVisible({ timeout: 20_000 });
  await pickSubtitles(host, 'talk.srt', srt());
  await pauseHostAt(host, 13);
  // The stream's video has no time of its own: the host's position from sync places the cue.
  await expect(cue(ann.page)).toHaveText('Line 6', { timeout: 15_000 });
  await pauseHostAt(host, 7);
  await expect(cue(ann.page)).toHaveText(MARKUP_SHOWN, { timeout: 15_000 });

  await ann.page
    .getByRole('group', { name: 'Player' })
    .getByRole('button', { name: 'Full screen' })
    .click();
  await expect
    .poll(() =>
      ann.page
        .locator('lc-player')
        .evaluate((p) => !!p.shadowRoot?.querySelector('.screen:fullscreen')),
    )
    .toBe(true);
  await expect(cue(ann.page)).toBeVisible();
  await expect(cue(ann.page)).toHaveText(MARKUP_SHOWN);
});

test('the host’s subtitles come back for everyone when its page reloads, until it removes them', async ({
  signUp,
}) => {
  const clips = await serveClips();
  try {
    const { host, ann, bob, access } = await playingWithAnn(signUp, clips);
    await pickSubtitles(host, 'talk.srt', srt());
    await pauseHostAt(host, 7);
    await expectPausedTogether(host, [ann]);
    for (const person of [host, ann]) await expect(cue(person.page)).toHaveText(MARKUP_SHOWN);

    // The host's page reloads: it reopens its URL where it paused, and its subtitles with it.
    await host.page.reload();
    await expectMesh(host.page, host, [ann]);
    await expect(host.page.locator('lc-subtitles').getByRole('status')).toHaveText(
      `Subtitles from “talk.srt” are shown to everyone (${CUES} lines).`,
      { timeout: 15_000 },
    );
    await expect(cue(host.page)).toHaveText(MARKUP_SHOWN, { timeout: 15_000 });
    await expect(host.page.getByRole('button', { name: 'Remove subtitles' })).toBeVisible();
    // Ann heard from the host again and kept them; Bob, who comes now, gets them from it.
    await joinRoom(bob, access);
    await expectMesh(bob.page, bob, [host, ann]);
    for (const person of [ann, bob]) {
      await expect(cue(person.page)).toHaveText(MARKUP_SHOWN, { timeout: 15_000 });
    }
    await expect(ann.page.locator('lc-subtitles').getByRole('status')).not.toContainText('removed');

    // Removed, they stay removed through the next reload.
    await host.page.getByRole('button', { name: 'Remove subtitles' }).click();
    for (const person of [host, ann, bob]) await expect(cue(person.page)).toHaveCount(0);
    await host.page.reload();
    await expectMesh(host.page, host, [ann, bob]);
    await expectPausedTogether(host, [ann, bob]);
    for (const person of [host, ann, bob]) await expect(cue(person.page)).toHaveCount(0);
    await expect(host.page.getByRole('button', { name: 'Remove subtitles' })).toBeHidden();
  } finally {
    await clips.close();
  }
});

test('the host offers the text tracks inside its video file (WebM, MP4), and the one it picks shows for everyone', async ({
  signUp,
}) => {
  const clips = textTrackClips(join(CLIP_DIR, 'text-tracks'));
  const [host, ann] = await Promise.all([signUp('host'), signUp('ann')]);
  await openRoomWith(host, [ann]);
  const track = host.page.getByRole('combobox', { name: 'Subtitle track', exact: true });
  // A file with no text track offers none.
  await streamFile(host.page, CLIPS.blue.file);
  await expect(ann.page.locator('lc-player video.remote')).toBeVisible({ timeout: 20_000 });
  await expect(track).toBeHidden();

  await streamFile(host.page, clips['webm-webvtt.webm'] ?? '');
  await expect(track).toBeVisible({ timeout: 15_000 });
  await expect(track.getByRole('option')).toHaveText(['None', 'English (eng)']);
  await track.selectOption('English (eng)');
  await expect(host.page.locator('lc-subtitles').getByRole('status')).toHaveText(
    'Subtitles from “webm-webvtt.webm, English (eng)” are shown to everyone (3 lines).',
  );
  await expect(ann.page.locator('lc-subtitles').getByRole('status')).toHaveText(
    'The host shared subtitles (3 lines).',
  );
  // The track's second cue, 2–3.25 s, with its markup gone.
  await pauseHostAt(host, 2.5);
  for (const person of [host, ann]) {
    await expect(cue(person.page)).toHaveText('Second line over two', { timeout: 15_000 });
  }

  // "None" takes them away again.
  await track.selectOption('None');
  for (const person of [host, ann]) await expect(cue(person.page)).toHaveCount(0);

  // An MP4's timed text (mov_text) too.
  await streamFile(host.page, clips['mp4-mov_text.mp4'] ?? '');
  await expect(track.getByRole('option')).toHaveText(['None', 'eng'], { timeout: 15_000 });
  await track.selectOption('eng');
  await expect(ann.page.locator('lc-subtitles').getByRole('status')).toHaveText(
    'The host shared subtitles (3 lines).',
  );
  await pauseHostAt(host, 3.7);
  for (const person of [host, ann]) {
    await expect(cue(person.page)).toHaveText('Third', { timeout: 15_000 });
  }
});
