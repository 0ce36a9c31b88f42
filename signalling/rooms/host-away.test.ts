import { readFile } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { roomListReplySchema } from '../../shared/http';
import {
  hostAwaySchema,
  joinSuccessSchema,
  peerInfoSchema,
  peerLeftSchema,
  roomClosedSchema,
} from '../../shared/socket';
import { DB_FILE } from '../store/lowdb-store';
import { startCluster } from '../testing/cluster';
import {
  type Account,
  api,
  connectSocket,
  createRoom,
  joinRoom,
  nextEvent,
  recordEvents,
  registerUser,
  roundTrip,
  socketPool,
  startTestServer,
  type TestServer,
  until,
} from '../testing/harness';
import { redisMissing } from '../testing/redis-server';

const cleanups: Array<() => Promise<void> | void> = [];
const sockets = socketPool();
afterEach(async () => {
  sockets.closeAll();
  for (const undo of cleanups.splice(0).reverse()) await undo();
});

async function server(grace: number, dataDir?: string): Promise<TestServer> {
  const s = await startTestServer({
    env: { HOST_GRACE_SECONDS: String(grace) },
    ...(dataDir ? { dataDir } : {}),
  });
  cleanups.push(() => s.stop());
  return s;
}

/** Whether the database file records a host as away; lowdb writes it after each change. */
async function markedAway(s: TestServer): Promise<boolean> {
  return (await readFile(joinPath(s.dataDir, DB_FILE), 'utf8')).includes('hostAwaySince');
}

async function openRooms(base: URL, host: Account): Promise<string[]> {
  const res = await api(base, 'GET', '/api/rooms', { cookie: host.cookie });
  return roomListReplySchema.parse(await res.json()).rooms.map((r) => r.id);
}

/** A server, a room, its host and one guest in it. */
async function roomWithGuest(grace: number) {
  const s = await server(grace);
  const host = await registerUser(s.url);
  const guest = await registerUser(s.url);
  const room = await createRoom(s.url, host);
  const hs = await sockets.connect(s.url, host);
  joinSuccessSchema.parse(await joinRoom(hs, room.id, room.pin));
  const gs = await sockets.connect(s.url, guest);
  joinSuccessSchema.parse(await joinRoom(gs, room.id, room.pin));
  return { s, host, guest, room, hs, gs };
}

describe('a room whose host is away', () => {
  it('tells guests when it will close and closes past the grace, sending them away', async () => {
    const { s, host, room, hs, gs } = await roomWithGuest(1);
    const away = nextEvent(gs, 'room:host-away', hostAwaySchema);
    const left = Date.now();
    hs.close();
    const { closesAt } = await away;
    expect(closesAt).toBeGreaterThanOrEqual(left + 1000 - 50);
    expect(closesAt).toBeLessThanOrEqual(Date.now() + 1000);

    const closed = await nextEvent(gs, 'room:closed', roomClosedSchema, 10_000);
    expect(closed).toEqual({ roomId: room.id, reason: 'host_did_not_return' });
    // Not before the time the guests were told (the sweep runs a quarter-grace apart).
    expect(Date.now()).toBeGreaterThanOrEqual(closesAt);
    expect(await openRooms(s.url, host)).not.toContain(room.id);
    const again = await sockets.connect(s.url, host);
    expect(await joinRoom(again, room.id, room.pin)).toMatchObject({
      ok: false,
      error: { code: 'room_closed' },
    });
  });

  it('tells a guest who joins while the host is away the same closing time', async () => {
    const { s, room, hs, gs } = await roomWithGuest(30);
    const away = nextEvent(gs, 'room:host-away', hostAwaySchema);
    hs.emit('room:leave');
    const { closesAt } = await away;
    const late = await sockets.connect(s.url, await registerUser(s.url));
    const told = nextEvent(late, 'room:host-away', hostAwaySchema);
    const ack = joinSuccessSchema.parse(await joinRoom(late, room.id, room.pin));
    expect(ack.hostPeerId).toBeNull();
    expect(await told).toEqual({ roomId: room.id, closesAt });
  });

  it('takes the host back within the grace: the mark goes, and leaving again starts afresh', async () => {
    // What happens over the grace itself is tested on a test clock (host-away-rule.test.ts).
    const { s, host, room, hs, gs } = await roomWithGuest(600);
    const away = nextEvent(gs, 'room:host-away', hostAwaySchema);
    hs.close();
    await away;
    expect(await markedAway(s)).toBe(true);
    const back = nextEvent(gs, 'peer:joined', peerInfoSchema);
    const hs2 = await sockets.connect(s.url, host);
    expect(
      joinSuccessSchema.parse(await joinRoom(hs2, room.id, room.pin)).hostPeerId,
    ).not.toBeNull();
    expect((await back).role).toBe('host');
    await until(async () => !(await markedAway(s)));
    const late = await sockets.connect(s.url, await registerUser(s.url));
    const lateAway = recordEvents(late, 'room:host-away');
    joinSuccessSchema.parse(await joinRoom(late, room.id, room.pin));
    // Told after the ack if at all, so by the next answer it would be here.
    await roundTrip(late);
    expect(lateAway).toEqual([]);

    // Leaving again starts a full grace from the new departure, not from the first one.
    const again = nextEvent(gs, 'room:host-away', hostAwaySchema);
    const left = Date.now();
    hs2.close();
    expect((await again).closesAt).toBeGreaterThanOrEqual(left + 600_000);
  });

  it('does not count the host as away while another of its tabs is in the room', async () => {
    const { s, host, room, hs, gs } = await roomWithGuest(1);
    const second = await sockets.connect(s.url, host);
    joinSuccessSchema.parse(await joinRoom(second, room.id, room.pin));
    const away = recordEvents(gs, 'room:host-away');
    const left = nextEvent(gs, 'peer:left', peerLeftSchema);
    hs.close();
    await left;
    // The departure is judged under the room's join lock, so a join after it waits for the
    // verdict; anything told to the room has then reached the guest by its next answer.
    joinSuccessSchema.parse(
      await joinRoom(await sockets.connect(s.url, await registerUser(s.url)), room.id, room.pin),
    );
    await roundTrip(gs);
    expect(away).toEqual([]);
    expect(await markedAway(s)).toBe(false);
  });

  it('leaves a room whose host never came as it is', async () => {
    const s = await server(1);
    const host = await registerUser(s.url);
    const room = await createRoom(s.url, host);
    const gs = await sockets.connect(s.url, await registerUser(s.url));
    joinSuccessSchema.parse(await joinRoom(gs, room.id, room.pin));
    const id = gs.id;
    gs.close();
    await until(() => id !== undefined && !s.app.io.sockets.sockets.has(id));
    expect(await markedAway(s)).toBe(false);
    expect(await openRooms(s.url, host)).toContain(room.id);
  });
});

describe('the host-away rule across a restart', () => {
  it('does not take a server shutdown for the host leaving', async () => {
    const first = await startTestServer({ env: { HOST_GRACE_SECONDS: '1' } });
    const host = await registerUser(first.url);
    const room = await createRoom(first.url, host);
    const hs = await connectSocket(first.url, host.cookie);
    joinSuccessSchema.parse(await joinRoom(hs, room.id, room.pin));
    await first.stop({ keepData: true });
    hs.close();
    expect(await readFile(joinPath(first.dataDir, DB_FILE), 'utf8')).not.toContain('hostAwaySince');

    // Unmarked, so no sweep of the next start closes it (host-away-rule.test.ts).
    const second = await server(1, first.dataDir);
    expect(await openRooms(second.url, host)).toContain(room.id);
  });

  it('closes a room whose host left before the restart once its grace runs out', async () => {
    const first = await startTestServer({ env: { HOST_GRACE_SECONDS: '5' } });
    const host = await registerUser(first.url);
    const room = await createRoom(first.url, host);
    const hs = await connectSocket(first.url, host.cookie);
    joinSuccessSchema.parse(await joinRoom(hs, room.id, room.pin));
    hs.close();
    await until(() => markedAway(first));
    const left = Date.now();
    await first.stop({ keepData: true });

    const second = await server(5, first.dataDir);
    // Still waiting for its host right after the restart, closed once the grace has run out.
    if (Date.now() < left + 4000) expect(await openRooms(second.url, host)).toContain(room.id);
    await until(async () => !(await openRooms(second.url, host)).includes(room.id));
    expect(Date.now()).toBeGreaterThanOrEqual(left + 4000);
  });
});

describe.skipIf(redisMissing !== undefined)(
  `the host-away rule on two nodes${redisMissing ? ` (skipped: ${redisMissing})` : ''}`,
  () => {
    it('closes the room once for members on both nodes when the host left from one', async () => {
      const cluster = await startCluster({ HOST_GRACE_SECONDS: '1' });
      cleanups.push(() => cluster.stop());
      const { a, b } = cluster;
      const host = await registerUser(a.url);
      const room = await createRoom(a.url, host);
      const hs = await sockets.connect(a.url, host);
      joinSuccessSchema.parse(await joinRoom(hs, room.id, room.pin));
      const onA = await sockets.connect(a.url, await registerUser(a.url));
      const onB = await sockets.connect(b.url, await registerUser(b.url));
      joinSuccessSchema.parse(await joinRoom(onA, room.id, room.pin));
      joinSuccessSchema.parse(await joinRoom(onB, room.id, room.pin));
      const closedA = recordEvents(onA, 'room:closed');
      const closedB = recordEvents(onB, 'room:closed');
      const awayB = nextEvent(onB, 'room:host-away', hostAwaySchema);
      hs.close();
      await awayB;
      await until(() => closedA.length > 0 && closedB.length > 0);
      // Each node sweeps; that only one of them closes it is the store's conditional close
      // (store contract) and the rule's (host-away-rule.test.ts). Anything sent before the
      // members' next answers has reached them.
      await Promise.all([roundTrip(onA), roundTrip(onB)]);
      const expected = [{ roomId: room.id, reason: 'host_did_not_return' }];
      expect(closedA).toEqual(expected);
      expect(closedB).toEqual(expected);
      expect(await openRooms(b.url, host)).not.toContain(room.id);
    });
  },
);
