import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { SHARE_CLIPS } from './clips';
import { expect, test } from './fixtures';
import { recordPeerConnections } from './peer-connections';
import { expectPlayingTogether } from './playback';
import { expectMesh, joinRoom, openRoomWith } from './room';
import { assembled, expectOriginal, expectReceivedAll, fileSha256, shareFile } from './share';

/** Bytes this page sent on each connection's `lc-file` channel, in the order it made them. */
function fileBytesSent(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const peers = (window as unknown as { __lcPeers: RTCPeerConnection[] }).__lcPeers;
    return Promise.all(
      peers.map(async (pc) => {
        let sent = 0;
        (await pc.getStats()).forEach((r: { type: string; label?: string; bytesSent?: number }) => {
          if (r.type === 'data-channel' && r.label === 'lc-file') sent += r.bytesSent ?? 0;
        });
        return sent;
      }),
    );
  });
}

test('the host shares its file itself: guests play the original, byte for byte, in step, and a late joiner gets most of it from guests', async ({
  signUp,
}) => {
  // Five people and four full transfers checked byte for byte: about a minute when quiet,
  // more than two on a busy machine.
  test.setTimeout(240_000);
  const clip = SHARE_CLIPS.mp4;
  const size = readFileSync(clip.file).length;
  const host = await signUp('host', recordPeerConnections);
  const guests = await Promise.all(['ann', 'bob', 'cy'].map((n) => signUp(n)));
  const access = await openRoomWith(host, guests);
  await shareFile(host, clip.file);

  // The original picture from the first frame, not a re-encode, with the copy's note.
  for (const guest of guests) {
    await expectOriginal(guest, clip);
    await expect(guest.page.getByText('You receive a copy of the host’s file')).toBeVisible();
  }
  await expectPlayingTogether(host, guests);

  // Every guest's copy is the file, byte for byte.
  const expected = fileSha256(clip.file);
  for (const guest of guests) {
    await expectReceivedAll(guest);
    expect(await assembled(guest.page)).toEqual(expected);
  }

  // A late joiner: most of its bytes come from the guests, not the host.
  const late = await signUp('late');
  await joinRoom(late, access);
  await expectMesh(host.page, host, [...guests, late]);
  await expectOriginal(late, clip);
  await expectReceivedAll(late);
  const sent = await fileBytesSent(host.page);
  const toLate = sent[sent.length - 1] ?? 0;
  console.log(`host sent ${sent.join(', ')} bytes; file ${size}; to the late joiner ${toLate}`);
  expect(toLate).toBeLessThan(size / 2);
  expect(await assembled(late.page)).toEqual(expected);
  for (const person of [host, ...guests, late]) expect(person.errors).toEqual([]);
});

test('a guest plays an MKV and an MP4 whose index is at its end, and leaving deletes its copy', async ({
  signUp,
}) => {
  const [host, ann] = await Promise.all([signUp('host'), signUp('ann')]);
  await openRoomWith(host, [ann]);
  for (const clip of [SHARE_CLIPS.mkv, SHARE_CLIPS.mp4]) {
    await shareFile(host, clip.file);
    await expectOriginal(ann, clip);
    await expectPlayingTogether(host, [ann]);
  }
  expect(
    await ann.page.evaluate(async () =>
      (await caches.keys()).some((k) => k.startsWith('lc-file-')),
    ),
  ).toBe(true);
  await ann.page.getByRole('button', { name: 'Leave room' }).click();
  await expect(ann.page.getByRole('button', { name: 'Join room' })).toBeVisible();
  await expect
    .poll(() =>
      ann.page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('lc-file-'))),
    )
    .toEqual([]);
});
