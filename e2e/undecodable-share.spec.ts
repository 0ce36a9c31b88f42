import { UNDECODABLE_CLIPS } from './clips';
import { expect, test } from './fixtures';
import { shownVideo } from './playback';
import { openRoomWith } from './room';
import { expectOriginal, shareFile } from './share';

test('a file whose picture the host’s browser cannot show is not shared, and the host is told why', async ({
  signUp,
}) => {
  const [host, ann] = await Promise.all([signUp('host'), signUp('ann')]);
  await openRoomWith(host, [ann]);
  await shareFile(host, UNDECODABLE_CLIPS.hevc.file);
  await expect(host.page.getByRole('alert').filter({ hasText: 'shows no picture' })).toContainText(
    'hevc-picture.mp4',
    { timeout: 20_000 },
  );
  // Nothing went out: the guest still waits for a video.
  await expect(ann.page.getByText('The host has not chosen a video yet.')).toBeVisible();
  await expect(ann.page.getByLabel('Received')).toHaveCount(0);
  for (const person of [host, ann]) expect(person.errors).toEqual([]);
});

test('a guest whose browser plays the shared file without its sound says so, and the host sees who and is pointed to Live stream', async ({
  signUp,
}) => {
  const [host, ann] = await Promise.all([signUp('host'), signUp('ann')]);
  await openRoomWith(host, [ann]);
  const clip = UNDECODABLE_CLIPS.ac3;
  await shareFile(host, clip.file);
  // The picture plays: only the sound is missing, and the guest reads that.
  await expectOriginal(ann, clip);
  await expect(ann.page.getByRole('alert').filter({ hasText: 'without its sound' })).toBeVisible({
    timeout: 20_000,
  });
  await expect
    .poll(() => shownVideo(ann.page).evaluate((v: HTMLVideoElement) => v.currentTime), {
      timeout: 10_000,
    })
    .toBeGreaterThan(2);
  const told = host.page.getByRole('alert').filter({ hasText: 'cannot play this file' });
  await expect(told).toContainText(`${ann.name} (no sound)`, { timeout: 20_000 });
  await expect(told).toContainText('Live stream');
  // The host's own player plays it silently too, and the host reads that.
  await expect(
    host.page.getByRole('alert').filter({ hasText: 'plays it without its sound' }),
  ).toContainText('ac3-sound.mkv');
  for (const person of [host, ann]) expect(person.errors).toEqual([]);
});
