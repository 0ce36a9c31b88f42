import { CLIPS } from './clips';
import { expect, type Person, test } from './fixtures';
import { peerConnectionCount, recordPeerConnections } from './peer-connections';
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
import { frameStats, motion, playerVideo } from './video';

const UNREACHABLE = 'The server cannot be reached';

/** `text` shows exactly once in the chat of every page in `people`. */
async function expectLine(people: readonly Person[], text: string): Promise<void> {
  for (const p of people) {
    await expect(chatLog(p.page).getByRole('listitem').filter({ hasText: text })).toHaveCount(1);
  }
}

/** A guest's player shows the host's stream: lit (not black) frames in which the box moves. */
async function expectStreaming(guest: Person): Promise<void> {
  const video = playerVideo(guest.page);
  await expect
    .poll(async () => (await frameStats(video)).lit, { timeout: 20_000 })
    .toBeGreaterThan(0.9);
  await expect.poll(() => motion(video), { timeout: 20_000 }).toBeGreaterThan(3);
}

test.afterEach(async ({ server }) => {
  // A test that failed during its outage leaves the worker's server for the next one running.
  await server.start();
});

for (const crash of [false, true]) {
  test(`peer links outlive a server ${crash ? 'crash (SIGKILL)' : 'restart (SIGTERM)'}: nothing lost, nothing rebuilt`, async ({
    signUp,
    server,
  }) => {
    test.setTimeout(150_000);
    const [host, ann, bob] = await Promise.all([
      signUp('host', recordPeerConnections),
      signUp('ann', recordPeerConnections),
      signUp('bob', recordPeerConnections),
    ]);
    const access = await createRoom(host);
    await joinRoom(ann, access);
    await joinRoom(bob, access);
    const trio = [host, ann, bob];
    for (const p of trio)
      await expectMesh(
        p.page,
        p,
        trio.filter((o) => o !== p),
      );
    await streamFile(host.page, CLIPS.blue.file);
    // The clip lasts a minute and this test longer: loop it, so the stream never ends.
    await playerVideo(host.page).evaluate((v: HTMLVideoElement) => {
      v.loop = true;
    });
    for (const guest of [ann, bob]) await expectStreaming(guest);
    await sendChat(host.page, 'before the outage');
    await expectLine(trio, 'before the outage');
    const before = await Promise.all(trio.map((p) => peerConnectionCount(p.page)));
    for (const n of before) expect(n).toBeGreaterThanOrEqual(2);

    await server.stop({ crash });
    for (const p of trio) await expect(roomStatus(p.page)).toContainText(UNREACHABLE);
    // Everything between the people goes on without the server, every line to everyone.
    for (const p of trio) await sendChat(p.page, `${p.name} during the outage`);
    for (const p of trio) await expectLine(trio, `${p.name} during the outage`);
    for (const guest of [ann, bob]) await expectStreaming(guest);
    for (const p of trio) await expect(roomStatus(p.page)).toContainText(UNREACHABLE);

    await server.start();
    const startedAt = Date.now();
    const back = await Promise.all(
      trio.map(async (p) => {
        await expect(roomStatus(p.page)).not.toContainText(UNREACHABLE, { timeout: 20_000 });
        return Date.now() - startedAt;
      }),
    );
    console.log(`pages re-attached ${back.join(' ms, ')} ms after the server listened again`);
    for (const p of trio)
      await expectMesh(
        p.page,
        p,
        trio.filter((o) => o !== p),
      );
    await sendChat(ann.page, 'after the restart');
    await expectLine(trio, 'after the restart');

    // A newcomer connects to everyone, chats with them and gets the stream.
    const cat = await signUp('cat', recordPeerConnections);
    await joinRoom(cat, access);
    const all = [...trio, cat];
    for (const p of all)
      await expectMesh(
        p.page,
        p,
        all.filter((o) => o !== p),
      );
    await sendChat(cat.page, 'hello from the newcomer');
    await expectLine(all, 'hello from the newcomer');
    await sendChat(bob.page, 'welcome, newcomer');
    await expectLine(all, 'welcome, newcomer');
    await expectStreaming(cat);
    for (const guest of [ann, bob]) await expectStreaming(guest);

    // The links from before were kept: one more connection each, the newcomer's.
    expect(await Promise.all(trio.map((p) => peerConnectionCount(p.page)))).toEqual(
      before.map((n) => n + 1),
    );
    expect(await peerConnectionCount(cat.page)).toBe(3);
    for (const p of all) {
      await expect(peopleList(p.page).getByRole('listitem')).toHaveCount(4);
      await expect(chatLog(p.page)).not.toContainText(' left');
      // The browser itself logs each refused reconnection attempt during the outage, and the
      // session check that follows each one (a refused upgrade looks the same as a server away).
      const outage =
        /^WebSocket connection to .* failed|^Failed to load resource: net::ERR_CONNECTION_REFUSED$/;
      expect(p.errors.filter((e) => !outage.test(e))).toEqual([]);
    }
  });
}
