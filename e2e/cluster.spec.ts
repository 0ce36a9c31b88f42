import { redisMissing } from '../signalling/testing/redis-server';
import { CLIPS } from './clips';
import { expect, test } from './cluster-fixtures';
import { chatLog, createRoom, expectMesh, joinRoom, sendChat, streamFile } from './room';
import { dominant, frameStats, motion, playerVideo } from './video';

test.skip(redisMissing !== undefined, redisMissing);

test('one room across two nodes sharing Redis: the mesh forms, chat and the stream flow', async ({
  signUpOn,
}) => {
  const host = await signUpOn('a', 'host');
  const ann = await signUpOn('b', 'ann');
  const bob = await signUpOn('b', 'bob');
  const access = await createRoom(host);
  await joinRoom(ann, access);
  await joinRoom(bob, access);
  await expectMesh(host.page, host, [ann, bob]);
  await expectMesh(ann.page, ann, [host, bob]);
  await expectMesh(bob.page, bob, [host, ann]);

  await sendChat(ann.page, 'hello from node b');
  await sendChat(host.page, 'hello from node a');
  for (const person of [host, ann, bob]) {
    const log = chatLog(person.page);
    for (const text of ['hello from node b', 'hello from node a'])
      await expect(log.getByRole('listitem').filter({ hasText: text })).toHaveCount(1);
  }

  await streamFile(host.page, CLIPS.blue.file);
  for (const guest of [ann, bob]) {
    const video = playerVideo(guest.page);
    await expect
      .poll(async () => dominant(await frameStats(video)), { timeout: 20_000 })
      .toBe('blue');
    await expect.poll(() => motion(video)).toBeGreaterThan(3);
  }

  // A latecomer on the host's node still finds the people on the other one.
  const cat = await signUpOn('a', 'cat');
  await joinRoom(cat, access);
  await expectMesh(cat.page, cat, [host, ann, bob]);
  for (const person of [host, ann, bob, cat]) expect(person.errors).toEqual([]);
});
