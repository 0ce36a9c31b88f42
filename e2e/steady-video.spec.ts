import { CLIPS } from './clips';
import { expect, test } from './fixtures';
import { chatLog, createRoom, expectMesh, joinRoom, sendChat, streamFile } from './room';
import { frameStats, playerVideo } from './video';

test('chatting and the host heartbeat never restart the guest’s video of the host’s stream', async ({
  signUp,
}) => {
  const [host, guest] = await Promise.all([signUp('host'), signUp('guest')]);
  const access = await createRoom(host);
  await joinRoom(guest, access);
  await expectMesh(host.page, host, [guest]);
  await streamFile(host.page, CLIPS.blue.file);
  const video = playerVideo(guest.page);
  await expect
    .poll(async () => (await frameStats(video)).width, { timeout: 20_000 })
    .toBeGreaterThan(0);

  // Each new srcObject makes the <video> load again: 'emptied', then 'loadstart'.
  await video.evaluate((v: HTMLVideoElement) => {
    const counts = { loads: 0 };
    v.addEventListener('loadstart', () => {
      counts.loads += 1;
    });
    Object.assign(window, { lcVideoLoads: counts });
  });
  for (let i = 0; i < 5; i++) {
    await sendChat(host.page, `host line ${i}`);
    await sendChat(guest.page, `guest line ${i}`);
  }
  await expect(chatLog(guest.page)).toContainText('host line 4');
  await expect(chatLog(host.page)).toContainText('guest line 4');
  // Two heartbeats and the player's own position ticks re-render the room too.
  await guest.page.waitForTimeout(2500);
  const loads = await guest.page.evaluate(
    () => (window as unknown as { lcVideoLoads: { loads: number } }).lcVideoLoads.loads,
  );
  expect(loads).toBe(0);
  expect((await frameStats(video)).width).toBeGreaterThan(0);
});
