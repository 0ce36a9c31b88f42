import { statSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { CHUNK_BYTES } from '../shared/swarm/messages';
import { SHARE_CLIPS } from './clips';
import { expect, test } from './fixtures';
import { largestGap, sample } from './playback';
import { openRoomWith } from './room';
import { expectOriginal, shareFile } from './share';

/** The shared clip's length, s. */
const DURATION = 60;

/** The chunks a guest's page holds: its copy in Cache Storage (client/swarm/cache-spill.ts). */
function heldChunks(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const held: number[] = [];
    for (const name of await caches.keys()) {
      if (!name.startsWith('lc-file-')) continue;
      for (const request of await (await caches.open(name)).keys()) {
        const index = /\/lc-chunk\/(\d+)$/.exec(request.url)?.[1];
        if (index !== undefined) held.push(Number(index));
      }
    }
    return held;
  });
}

test('a guest seeks ahead in a shared file to a part it does not hold: the chunks come on demand and everyone follows', async ({
  signUp,
}) => {
  test.setTimeout(150_000);
  const clip = SHARE_CLIPS.mp4;
  const host = await signUp('host');
  const [ann, bob] = await Promise.all([signUp('ann'), signUp('bob')]);
  await openRoomWith(host, [ann, bob]);
  await host.page.getByLabel('Allow guests to control playback').check();
  await shareFile(host, clip.file);
  await expectOriginal(ann, clip);

  // As soon as ann sees the picture she seeks to a chunk neither guest holds yet, near the end
  // if she can (prefetch runs at three times the file's bitrate, and the player reads ahead).
  const size = statSync(clip.file).size;
  const chunks = Math.ceil(size / CHUNK_BYTES);
  const [annHeld, bobHeld] = await Promise.all([heldChunks(ann.page), heldChunks(bob.page)]);
  const missing = [...Array(chunks).keys()].filter(
    (c) => !annHeld.includes(c) && !bobHeld.includes(c) && c >= chunks / 3,
  );
  const chunk = missing.at(-1);
  // Where that chunk's bytes play (the clip's bitrate is even), in whole seconds as the slider
  // steps, and at most 10 s before the end so everyone is seen playing there.
  const target = Math.floor(
    chunk === undefined ? 50 : Math.min(50, (chunk * CHUNK_BYTES * DURATION) / size),
  );
  test.info().annotations.push({
    type: 'seek',
    description: `to ${target} s; ann held ${annHeld.length}, bob ${bobHeld.length} of ${chunks} chunks; ${chunk === undefined ? 'both held every chunk past the first third' : `nobody held chunk ${chunk}`}`,
  });
  console.log(test.info().annotations.at(-1)?.description);
  await ann.page.getByLabel('Seek').fill(String(target));

  // Her own <video> shows a frame there and plays on; the host and bob follow her seek.
  for (const person of [ann, host, bob]) {
    await expect
      .poll(() => sample(person.page).then((s) => !s.paused && s.position > target - 1), {
        timeout: 45_000,
        message: `${person.name} plays from ${target} s`,
      })
      .toBe(true);
  }
  await expect.poll(() => largestGap(host, [ann, bob]), { timeout: 30_000 }).toBeLessThan(0.2);
  for (const person of [host, ann, bob]) expect(person.errors).toEqual([]);
});
