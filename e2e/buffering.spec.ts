import { statSync } from 'node:fs';
import { serveClips } from './clip-server';
import { CLIPS } from './clips';
import { expect, type Person, test } from './fixtures';
import { expectPlayingTogether, loadUrl, sample } from './playback';
import { openRoomWith, peopleList } from './room';

/**
 * What the slow guest's network holds back: from a few seconds into the clip to near its end
 * (Chromium reads a WebM's index there before playing).
 */
const HELD = { from: 48 * 1024, to: statSync(CLIPS.blue.file).size - 64 * 1024 };

const bufferingMark = (viewer: Person, who: Person) =>
  peopleList(viewer.page)
    .getByRole('listitem')
    .filter({ hasText: who.name })
    .getByText('buffering');

test('a guest whose data stops is shown buffering; the host plays on or waits for it, as chosen', async ({
  signUp,
}) => {
  // Three sign-ups, a stall, a hold and a recovery: about 30 s on a busy machine.
  test.setTimeout(120_000);
  const clips = await serveClips({ held: HELD });
  try {
    const [host, ann, bob] = await Promise.all([signUp('host'), signUp('ann'), signUp('bob')]);
    const guests = [ann, bob];
    const url = clips.url(CLIPS.blue.file);
    // Bob's network stops after the first seconds of the clip; everyone else's is fine.
    await bob.page.route(url, (route) => route.continue({ url: clips.heldUrl(CLIPS.blue.file) }));
    await openRoomWith(host, guests);

    // Let them catch up (the default): Bob runs dry and is marked for everyone, the host plays on.
    await expect(host.page.getByLabel('When someone is buffering')).toHaveValue('continue');
    await loadUrl(host, url);
    for (const viewer of [host, ann, bob])
      await expect(bufferingMark(viewer, bob)).toBeVisible({ timeout: 20_000 });
    await expect(bufferingMark(host, ann)).toHaveCount(0);
    const before = await sample(host.page);
    await expect
      .poll(() => sample(host.page).then((s) => !s.paused && s.position - before.position))
      .toBeGreaterThan(1.5);

    // Wait for everyone: the host pauses while Bob still buffers.
    await host.page.getByLabel('When someone is buffering').selectOption('wait');
    await expect.poll(() => sample(host.page).then((s) => s.paused)).toBe(true);
    await expect(bufferingMark(ann, bob)).toBeVisible();
    const held = await sample(host.page);
    await host.page.waitForTimeout(1500);
    expect((await sample(host.page)).position).toBe(held.position);

    // Bob's data flows again: the mark goes, the host resumes by itself and all are in step.
    clips.release();
    for (const viewer of [host, ann, bob])
      await expect(bufferingMark(viewer, bob)).toHaveCount(0, { timeout: 20_000 });
    await expectPlayingTogether(host, guests);
    for (const person of [host, ...guests]) expect(person.errors).toEqual([]);
  } finally {
    await clips.close();
  }
});
