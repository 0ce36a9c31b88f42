import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { SHARE_CLIPS } from './clips';
import { expect, type Person, test } from './fixtures';
import { recordPeerConnections } from './peer-connections';
import { expectPlayingTogether, shownVideo } from './playback';
import { expectMesh, joinRoom, openRoomWith } from './room';
import { frameStats } from './video';

/** The host shares a file itself (File sharing: Original quality, the default). */
async function shareFile(host: Person, file: string): Promise<void> {
  await expect(host.page.getByLabel('File sharing')).toHaveValue('original');
  await host.page.getByLabel('Choose video file').setInputFiles(file);
}

/** Waits until a guest's own <video> shows the clip at its original size. */
async function expectOriginal(guest: Person, clip: { width: number; height: number }) {
  await expect
    .poll(
      async () => {
        const s = await frameStats(shownVideo(guest.page));
        return `${s.width}x${s.height}`;
      },
      { timeout: 30_000 },
    )
    .toBe(`${clip.width}x${clip.height}`);
}

/** Everything the guest's page can read of the shared file, through its own file worker. */
function assembled(page: Page): Promise<number[]> {
  return shownVideo(page).evaluate(async (video: HTMLVideoElement) => {
    const parts: Uint8Array[] = [];
    let at = 0;
    for (;;) {
      const res = await fetch(video.src, { headers: { Range: `bytes=${at}-` } });
      if (res.status !== 206) throw new Error(`answered ${res.status}`);
      const part = new Uint8Array(await res.arrayBuffer());
      parts.push(part);
      at += part.byteLength;
      const total = Number(res.headers.get('Content-Range')?.split('/')[1]);
      if (at >= total) break;
    }
    const all = new Uint8Array(at);
    let offset = 0;
    for (const part of parts) {
      all.set(part, offset);
      offset += part.byteLength;
    }
    return [...new Uint8Array(await crypto.subtle.digest('SHA-256', all))];
  });
}

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

/** Waits until the guest's "Received" bar is full. */
async function expectReceivedAll(guest: Person): Promise<void> {
  await expect
    .poll(
      () =>
        guest.page
          .getByLabel('Received')
          .evaluate((p: HTMLProgressElement) => p.max > 0 && p.value === p.max),
      { timeout: 60_000 },
    )
    .toBe(true);
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
  const expected = [...createHash('sha256').update(readFileSync(clip.file)).digest()];
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
