import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomClosedReason } from '../../shared/socket';
import { loadConfig } from '../config';
import { createLogger } from '../log';
import { KeyedLock } from '../realtime/keyed-lock';
import { createLimits } from '../security/limits';
import { openLowdbStore } from '../store/lowdb-store';
import type { RoomRecord, Store } from '../store/types';
import {
  createRoom,
  joinedRoom,
  registerUser,
  socketPool,
  startTestServer,
  until,
} from '../testing/harness';
import type { RoomNotifier } from './notifier';
import { createUnusedRoomRule } from './unused';

const HOURS = 24;
const WAIT_MS = HOURS * 3600 * 1000;
const log = createLogger('silent');
const sockets = socketPool();

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  sockets.closeAll();
  // Last made, first undone: a server stops before its directory goes.
  for (const undo of cleanups.splice(0).reverse()) await undo();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lc-unused-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The rule over a real lowdb store on a clock the test moves, with what it tells recorded. */
async function setup() {
  const store = await openLowdbStore(await tempDir());
  const clock = { now: 1_700_000_000_000 };
  const present = new Set<string>();
  const told: Array<{ roomId: string; reason: RoomClosedReason }> = [];
  const notifier: RoomNotifier = {
    roomClosed: async (roomId, reason) => {
      told.push({ roomId, reason });
    },
    pinAttempts: async () => undefined,
    hostPresent: async (roomId) => present.has(roomId),
    hostAway: async () => undefined,
  };
  const limits = createLimits(loadConfig({}).limits);
  /** One node's rule; several share the store as the nodes of a cluster do. */
  const node = () =>
    createUnusedRoomRule({
      store,
      limits,
      notifier,
      lock: new KeyedLock(),
      hours: HOURS,
      log,
      now: () => clock.now,
    });
  const room = async (): Promise<RoomRecord> => {
    const r: RoomRecord = {
      id: `room-${Math.random().toString(36).slice(2)}`,
      name: 'Film',
      hostId: 'host',
      createdAt: new Date(clock.now).toISOString(),
      state: 'open',
      pinHmac: 'ab',
      pinSealed: 'cd',
      awaitingHostSince: clock.now,
    };
    await store.createRoom(r);
    return r;
  };
  return { store, clock, present, told, node, room };
}

describe('rooms whose host never came', () => {
  it('close after ROOM_UNUSED_HOURS, once, however many nodes sweep', async () => {
    const { store, clock, told, node, room } = await setup();
    const r = await room();
    clock.now += WAIT_MS - 1;
    expect(await node().sweep()).toBe(0);
    clock.now += 1;
    const closed = await Promise.all([node(), node(), node()].map((rule) => rule.sweep()));
    expect(closed.reduce((a, b) => a + b, 0)).toBe(1);
    expect(told).toEqual([{ roomId: r.id, reason: 'host_never_came' }]);
    expect(await store.findRoom(r.id)).toMatchObject({ state: 'closed', closedAt: clock.now });
    expect(await node().sweep()).toBe(0);
  });

  it('stay open once the host has entered, and a host found inside clears a stale mark', async () => {
    const { store, clock, present, told, node, room } = await setup();
    const entered = await room();
    await store.clearAwaitingHost(entered.id);
    const inside = await room();
    present.add(inside.id);
    clock.now += 10 * WAIT_MS;
    expect(await node().sweep()).toBe(0);
    expect(told).toEqual([]);
    expect(await store.findRoom(entered.id)).toMatchObject({ state: 'open' });
    expect(await store.findRoom(inside.id)).not.toHaveProperty('awaitingHostSince');
  });
});

describe('a room on the server', () => {
  it('waits for its host from creation, and no more once the host has joined', async () => {
    const dataDir = await tempDir();
    const store: Store = await openLowdbStore(dataDir);
    const server = await startTestServer({ dataDir: join(dataDir, 'app'), deps: { store } });
    cleanups.push(() => server.stop());
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const guestRoom = await createRoom(server.url, host);
    expect((await store.findRoom(room.id))?.awaitingHostSince).toBeTypeOf('number');
    // A guest entering changes nothing; the host entering ends the wait.
    const guest = await sockets.connect(server.url, await registerUser(server.url));
    await joinedRoom(guest, guestRoom.id, guestRoom.pin);
    await joinedRoom(await sockets.connect(server.url, host), room.id, room.pin);
    await until(async () => (await store.findRoom(room.id))?.awaitingHostSince === undefined);
    expect((await store.findRoom(guestRoom.id))?.awaitingHostSince).toBeTypeOf('number');
  });
});
