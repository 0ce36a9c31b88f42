import { basename } from 'node:path';
import { CLIPS } from './clips';
import { expect, type Person, test } from './fixtures';
import { recordPeerConnections, videoBytesReceived } from './peer-connections';
import {
  expectHostRate,
  expectPausedTogether,
  expectPlayingTogether,
  sample,
  shownVideo,
} from './playback';
import { createRoom, expectMesh, joinRoom, streamFile } from './room';

const hostVideo = (host: Person) => shownVideo(host.page);

/** A guest is asked for its copy of the host's file, and opens `file`. */
async function openCopy(guest: Person, file: string): Promise<void> {
  await expect(guest.page.getByText('The host is playing')).toContainText(
    `${basename(CLIPS.blue.file)} (`,
  );
  await guest.page.getByLabel('Open your copy').setInputFiles(file);
}

test('everyone plays their own copy in step; a different file is refused and a late joiner aligns', async ({
  signUp,
}) => {
  // Four sign-ups and a dozen steps: about 30 s alone, more on a busy machine.
  test.setTimeout(120_000);
  // Cid signs up now (the slow part) and joins late, while the clip still has a while to run.
  const [host, ann, bob, cid] = await Promise.all([
    signUp('host'),
    signUp('ann', recordPeerConnections),
    signUp('bob', recordPeerConnections),
    signUp('cid'),
  ]);
  const guests = [ann, bob];
  const access = await createRoom(host);
  await joinRoom(ann, access);
  await joinRoom(bob, access);
  await expectMesh(host.page, host, guests);

  // The host streams a file first; its own copy then replaces the stream.
  await streamFile(host.page, CLIPS.red.file);
  for (const guest of guests)
    await expect.poll(() => videoBytesReceived(guest.page), { timeout: 20_000 }).toBeGreaterThan(0);
  await host.page.getByLabel('Open own copy').setInputFiles(CLIPS.blue.file);
  for (const guest of guests) await openCopy(guest, CLIPS.blue.file);
  await expectPlayingTogether(host, guests);
  // Nothing is streamed any more: no picture from the host, and no video bytes arrive.
  for (const guest of guests) {
    await expect(guest.page.getByLabel('Video from the host')).toHaveCount(0);
    await expect
      .poll(async () => {
        const before = await videoBytesReceived(guest.page);
        await guest.page.waitForTimeout(1000);
        return (await videoBytesReceived(guest.page)) - before;
      })
      .toBe(0);
  }

  await hostVideo(host).evaluate((v: HTMLVideoElement) => v.pause());
  await expectPausedTogether(host, guests);
  await hostVideo(host).evaluate((v: HTMLVideoElement) => {
    v.currentTime = 10;
  });
  await expect
    .poll(async () =>
      (await Promise.all(guests.map((g) => sample(g.page)))).map((s) => Math.round(s.position)),
    )
    .toEqual([10, 10]);
  await expectPausedTogether(host, guests);
  await hostVideo(host).evaluate((v: HTMLVideoElement) => v.play());
  await expectPlayingTogether(host, guests);

  await host.page.getByLabel('Playback speed').selectOption('1.5');
  expect(await expectHostRate(host, guests)).toBe(1.5);
  await expectPlayingTogether(host, guests);

  // Guests steer an own-copy source too, once the host allows it.
  await host.page.getByLabel('Allow guests to control playback').check();
  await ann.page.getByRole('button', { name: 'Pause for everyone' }).click();
  await expect.poll(() => sample(host.page).then((s) => s.paused)).toBe(true);
  await expectPausedTogether(host, guests);
  await ann.page.getByRole('button', { name: 'Play for everyone' }).click();
  await expectPlayingTogether(host, guests);

  // A late joiner is asked for its copy too; another file is refused, saying what differs,
  // and nothing plays until the right one is opened.
  await joinRoom(cid, access);
  await openCopy(cid, CLIPS.red.file);
  await expect(cid.page.getByRole('alert')).toContainText('its size differs');
  await expect(shownVideo(cid.page)).toHaveCount(0);
  await expect(cid.page.getByLabel('Now playing')).toContainText(basename(CLIPS.blue.file));
  await openCopy(cid, CLIPS.blue.file);
  await expect(cid.page.getByRole('alert')).toHaveCount(0);
  await expectPlayingTogether(host, [...guests, cid]);
  expect(await expectHostRate(host, [cid])).toBe(1.5);

  for (const person of [host, ...guests, cid]) expect(person.errors).toEqual([]);
});
