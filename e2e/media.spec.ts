import { AUDIO_ONLY, BAD_FILE, CLIPS } from './clips';
import { expect, type Person, test } from './fixtures';
import { createRoom, expectMesh, joinRoom, streamFile } from './room';
import { clockAdvance, dominant, frameStats, motion, playerVideo } from './video';

const nowPlaying = (p: Person) => p.page.getByLabel('Now playing');

/** Waits until a guest shows this clip: its size, its colour, lit pixels and moving frames. */
async function expectShowing(
  guest: Person,
  clip: (typeof CLIPS)['blue' | 'red'],
  colour: 'blue' | 'red',
) {
  const video = playerVideo(guest.page);
  await expect
    .poll(
      async () => {
        const s = await frameStats(video);
        return { size: `${s.width}x${s.height}`, colour: dominant(s), lit: s.lit > 0.9 };
      },
      { timeout: 20_000 },
    )
    .toEqual({ size: `${clip.width}x${clip.height}`, colour, lit: true });
  await expect.poll(() => clockAdvance(video), { timeout: 20_000 }).toBeGreaterThan(0);
  await expect.poll(() => motion(video), { timeout: 20_000 }).toBeGreaterThan(3);
}

test('the host streams a local file to every guest, swaps it, pauses it, and late guests get it', async ({
  signUp,
}) => {
  // Six phases with four people, each waiting for what guests see: about a minute on a quiet
  // machine, more than twice that beside a light spec on a busy one (2.3 min seen).
  test.setTimeout(240_000);
  const [host, ann, bob] = await Promise.all([signUp('host'), signUp('ann'), signUp('bob')]);
  const access = await createRoom(host);
  await joinRoom(ann, access);
  await joinRoom(bob, access);
  await expectMesh(host.page, host, [ann, bob]);

  // Clip 1: time to first remote frame, then the picture itself.
  const chosenAt = Date.now();
  await streamFile(host.page, CLIPS.blue.file);
  const firstFrame = await Promise.all(
    [ann, bob].map(async (guest) => {
      await expect
        .poll(async () => (await frameStats(playerVideo(guest.page))).width, { timeout: 20_000 })
        .toBeGreaterThan(0);
      return Date.now() - chosenAt;
    }),
  );
  console.log(`first remote frame after choosing the file: ${firstFrame.join(' ms, ')} ms`);
  for (const guest of [ann, bob]) {
    await expectShowing(guest, CLIPS.blue, 'blue');
    await expect(nowPlaying(guest)).toContainText('blue-320x240.webm');
    await expect(nowPlaying(guest)).toContainText('1:00');
    await expect(nowPlaying(guest)).toContainText('Playing');
  }

  // Pause on the host: guests are told, and their picture stops moving.
  await playerVideo(host.page).evaluate((v: HTMLVideoElement) => v.pause());
  for (const guest of [ann, bob]) {
    await expect(nowPlaying(guest)).toContainText('Paused');
    await expect.poll(() => motion(playerVideo(guest.page), 600)).toBeLessThan(1.5);
  }
  const pausedAt = (await nowPlaying(ann).locator('.time').textContent()) ?? '';
  await ann.page.waitForTimeout(1200);
  await expect(nowPlaying(ann).locator('.time')).toHaveText(pausedAt);
  // A seek while paused shows at once.
  await playerVideo(host.page).evaluate((v: HTMLVideoElement) => {
    v.currentTime = 30;
  });
  for (const guest of [ann, bob])
    await expect(nowPlaying(guest).locator('.time')).toHaveText('0:30 / 1:00');
  await playerVideo(host.page).evaluate((v: HTMLVideoElement) => v.play());
  await expect(nowPlaying(ann)).toContainText('Playing');

  // Clip 2 replaces clip 1 for everyone: new size and colour, and still moving.
  await streamFile(host.page, CLIPS.red.file);
  for (const guest of [ann, bob]) {
    await expectShowing(guest, CLIPS.red, 'red');
    await expect(nowPlaying(guest)).toContainText('red-352x288.webm');
  }

  // A guest who joins after the file was chosen gets the stream too.
  const cat = await signUp('cat');
  await joinRoom(cat, access);
  await expectShowing(cat, CLIPS.red, 'red');

  // Files the browser cannot show are refused on the host, and guests keep watching.
  await streamFile(host.page, BAD_FILE);
  await expect(host.page.getByRole('alert').filter({ hasText: 'cannot play' })).toBeVisible();
  await streamFile(host.page, AUDIO_ONLY);
  await expect(host.page.getByRole('alert').filter({ hasText: 'no video' })).toBeVisible();
  await expect(nowPlaying(ann)).toContainText('red-352x288.webm');
  await expectShowing(ann, CLIPS.red, 'red');
  for (const person of [host, ann, bob, cat]) expect(person.errors).toEqual([]);
});
