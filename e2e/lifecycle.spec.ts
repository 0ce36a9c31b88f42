import { CLIPS } from './clips';
import { expect, test } from './fixtures';
import { STARVED_WAIT_MS } from './playback';
import {
  chatLog,
  createRoom,
  expectMesh,
  joinRoom,
  peopleList,
  roomStatus,
  sendChat,
  streamFile,
} from './room';
import { playerVideo } from './video';

test('leaving, the host away and back, and closing the room are shown to everyone', async ({
  signUp,
}) => {
  const [host, ann, bob] = await Promise.all([signUp('host'), signUp('ann'), signUp('bob')]);
  const access = await createRoom(host);
  await host.page.goto('/lobby');

  // The host entered the room on creating it, so a guest who arrives while the host is in the
  // lobby is told the host is away and until when the room waits.
  await joinRoom(ann, access);
  await expect(roomStatus(ann.page)).toContainText('The host is away. The room closes at');
  await host.page.getByRole('button', { name: `Open room ${access.roomId}` }).click();
  await expectMesh(ann.page, ann, [host]);
  await expect(roomStatus(ann.page)).not.toContainText('away');
  await joinRoom(bob, access);
  await expectMesh(ann.page, ann, [host, bob]);

  // A guest leaves: the others see it in the chat and the People list.
  await bob.page.getByRole('button', { name: 'Leave room' }).click();
  await expect(bob.page).toHaveURL(/\/lobby$/);
  for (const p of [host, ann]) {
    await expect(chatLog(p.page)).toContainText(`${bob.name} left`);
    await expect(peopleList(p.page).getByRole('listitem')).toHaveCount(2);
  }

  // The host goes away: guests are told and keep chatting among themselves.
  await joinRoom(bob, access);
  await expectMesh(bob.page, bob, [host, ann]);
  await host.page.goto('/lobby');
  for (const p of [ann, bob]) {
    await expect(roomStatus(p.page)).toContainText('The host is away');
    await expect(chatLog(p.page)).toContainText('The host is away');
  }
  await sendChat(ann.page, 'still here without the host');
  await expect(
    chatLog(bob.page).getByRole('listitem').filter({ hasText: 'still here without the host' }),
  ).toHaveCount(1);

  // The host returns through its room list and everyone reconnects.
  await host.page.getByRole('button', { name: `Open room ${access.roomId}` }).click();
  await expectMesh(host.page, host, [ann, bob]);
  await expectMesh(ann.page, ann, [host, bob]);
  await expect(roomStatus(ann.page)).not.toContainText('away');

  // The host closes the room: guests land in the lobby and are told why.
  await host.page.getByRole('button', { name: 'Close room' }).click();
  await expect(host.page).toHaveURL(/\/lobby$/);
  await expect(
    host.page.getByRole('status').filter({ hasText: 'You closed the room.' }),
  ).toBeVisible();
  for (const p of [ann, bob]) {
    await expect(p.page).toHaveURL(/\/lobby$/);
    await expect(
      p.page.getByRole('status').filter({ hasText: 'The host closed the room.' }),
    ).toBeVisible();
  }
  // The closed room cannot be joined again.
  await joinRoom(ann, access, false);
  await expect(ann.page.getByRole('status').filter({ hasText: /closed|no room/ })).toBeVisible();
});

test('guests steer playback only while the host allows it', async ({ signUp }) => {
  const [host, ann] = await Promise.all([signUp('host'), signUp('ann')]);
  const access = await createRoom(host);
  await joinRoom(ann, access);
  await expectMesh(ann.page, ann, [host]);
  await streamFile(host.page, CLIPS.blue.file);
  const hostVideo = playerVideo(host.page);
  await expect
    .poll(() => hostVideo.evaluate((v: HTMLVideoElement) => !v.paused && v.currentTime > 0), {
      timeout: STARVED_WAIT_MS,
    })
    .toBe(true);

  const pauseAll = ann.page.getByRole('button', { name: 'Pause for everyone' });
  const playAll = ann.page.getByRole('button', { name: 'Play for everyone' });
  await expect(pauseAll).toBeDisabled();
  await expect(ann.page.getByText('Only the host controls playback.')).toBeVisible();

  await host.page.getByLabel('Allow guests to control playback').check();
  await expect(pauseAll).toBeEnabled();
  await pauseAll.click();
  await expect.poll(() => hostVideo.evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);
  await expect(playAll).toBeEnabled();
  await playAll.click();
  await expect.poll(() => hostVideo.evaluate((v: HTMLVideoElement) => v.paused)).toBe(false);

  // Seeking with the slider, by keyboard.
  const seek = ann.page.getByRole('slider', { name: 'Seek' });
  await seek.focus();
  await seek.press('End');
  await expect
    .poll(() => hostVideo.evaluate((v: HTMLVideoElement) => v.currentTime))
    .toBeGreaterThan(50);

  await host.page.getByLabel('Allow guests to control playback').uncheck();
  await expect(pauseAll).toBeDisabled();
});

test('while the server is down a banner says so and chat still flows; then all rejoin', async ({
  signUp,
  server,
}) => {
  const [host, ann] = await Promise.all([signUp('host'), signUp('ann')]);
  const access = await createRoom(host);
  await joinRoom(ann, access);
  await expectMesh(ann.page, ann, [host]);

  // A crash, like a lost network: nobody is told that anyone left.
  await server.stop({ crash: true });
  for (const p of [host, ann]) await expect(roomStatus(p.page)).toContainText('cannot be reached');
  // Chat goes browser to browser, so it does not need the server.
  await sendChat(ann.page, 'the server is down');
  await expect(
    chatLog(host.page).getByRole('listitem').filter({ hasText: 'the server is down' }),
  ).toHaveCount(1);

  await server.start();
  for (const p of [host, ann])
    await expect(roomStatus(p.page)).not.toContainText('cannot be reached', { timeout: 15_000 });
  await expectMesh(ann.page, ann, [host]);
  await expectMesh(host.page, host, [ann]);
  await sendChat(ann.page, 'after the restart');
  await expect(
    chatLog(host.page).getByRole('listitem').filter({ hasText: 'after the restart' }),
  ).toHaveCount(1);
});

test('after a graceful server restart everyone rejoins by themselves', async ({
  signUp,
  server,
}) => {
  const [host, ann] = await Promise.all([signUp('host'), signUp('ann')]);
  const access = await createRoom(host);
  await joinRoom(ann, access);
  await expectMesh(ann.page, ann, [host]);

  await server.stop();
  await expect(roomStatus(ann.page)).toContainText('cannot be reached');
  await server.start();
  await expectMesh(ann.page, ann, [host]);
  await expectMesh(host.page, host, [ann]);
  await expect(roomStatus(ann.page)).not.toContainText('cannot be reached');
  await sendChat(host.page, 'back after a deploy');
  await expect(
    chatLog(ann.page).getByRole('listitem').filter({ hasText: 'back after a deploy' }),
  ).toHaveCount(1);
});
