import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RoomClosedReason } from '../../shared/socket';
import { loadConfig } from '../config';
import { createLogger } from '../log';
import { KeyedLock } from '../realtime/keyed-lock';
import { createLimits } from '../security/limits';
import { openLowdbStore } from '../store/lowdb-store';
import type { RoomRecord, Store } from '../store/types';
import { until } from '../testing/harness';
import { createHostAwayRule, type HostAwayRule } from './host-away';
import type { RoomNotifier } from './notifier';

const GRACE_S = 600;
const GRACE_MS = GRACE_S * 1000;
const log = createLogger('silent');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const undo of cleanups.splice(0)) await undo();
});

type Told =
  | { event: 'host-away'; roomId: string; closesAt: number }
  | { event: 'closed'; roomId: string; reason: RoomClosedReason; at: number };

/**
 * The rule over a real lowdb store, on a clock the test moves (`clock.now`, unless `now` is
 * given), with what it tells recorded.
 */
async function setup(now?: () => number) {
  const dir = await mkdtemp(join(tmpdir(), 'lc-host-away-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const store = await openLowdbStore(dir);
  const clock = { now: 1_700_000_000_000 };
  const time = now ?? (() => clock.now);
  /** Rooms whose host has a connection in them. */
  const present = new Set<string>();
  const told: Told[] = [];
  const notifier: RoomNotifier = {
    roomClosed: async (roomId, reason) => {
      told.push({ event: 'closed', roomId, reason, at: time() });
    },
    pinAttempts: async () => undefined,
    hostPresent: async (roomId) => present.has(roomId),
    hostAway: async (roomId, closesAt) => {
      told.push({ event: 'host-away', roomId, closesAt });
    },
  };
  const limits = createLimits(loadConfig({}).limits);
  /** One node's rule; several share the store as the nodes of a cluster do. */
  const node = (): HostAwayRule =>
    createHostAwayRule({
      store,
      limits,
      notifier,
      lock: new KeyedLock(),
      graceSeconds: GRACE_S,
      log,
      now: time,
    });
  const room = async (): Promise<RoomRecord> => {
    const r: RoomRecord = {
      id: `room-${told.length}-${Math.random().toString(36).slice(2)}`,
      name: 'Film',
      hostId: 'host',
      createdAt: new Date(time()).toISOString(),
      state: 'open',
      pinHmac: 'ab',
      pinSealed: 'cd',
    };
    await store.createRoom(r);
    return r;
  };
  return { store, clock, present, told, limits, rule: node(), node, room };
}

const stateOf = async (store: Store, roomId: string) => (await store.findRoom(roomId))?.state;

describe('the host-away rule, on a test clock', () => {
  it('tells members when the room closes and closes it at that time, not before', async () => {
    const { store, clock, told, limits, rule, room } = await setup();
    const r = await room();
    await limits.pinRoom.consume(r.id);
    const left = clock.now;
    await rule.hostLeft(r.id);
    expect(told).toEqual([{ event: 'host-away', roomId: r.id, closesAt: left + GRACE_MS }]);

    clock.now = left + GRACE_MS - 1;
    expect(await rule.sweep()).toBe(0);
    expect(await stateOf(store, r.id)).toBe('open');

    clock.now = left + GRACE_MS;
    expect(await rule.sweep()).toBe(1);
    expect(await stateOf(store, r.id)).toBe('closed');
    expect(told.at(-1)).toEqual({
      event: 'closed',
      roomId: r.id,
      reason: 'host_did_not_return',
      at: left + GRACE_MS,
    });
    // A closed room's PIN budget is forgotten with it.
    expect(await limits.pinRoom.get(r.id)).toBeNull();
    expect(await rule.sweep()).toBe(0);
  });

  it('keeps the first departure when the host leaves twice', async () => {
    const { clock, told, rule, room } = await setup();
    const r = await room();
    const left = clock.now;
    await rule.hostLeft(r.id);
    clock.now += 60_000;
    await rule.hostLeft(r.id);
    expect(told.map((t) => (t.event === 'host-away' ? t.closesAt : null))).toEqual([
      left + GRACE_MS,
      left + GRACE_MS,
    ]);
  });

  it('stays open when the host returns within the grace; leaving again starts a full grace', async () => {
    const { store, clock, told, rule, room } = await setup();
    const r = await room();
    const first = clock.now;
    await rule.hostLeft(r.id);
    clock.now = first + GRACE_MS - 1000;
    await rule.hostReturned(r.id);
    clock.now = first + 2 * GRACE_MS;
    expect(await rule.sweep()).toBe(0);
    expect(await stateOf(store, r.id)).toBe('open');

    const second = clock.now;
    await rule.hostLeft(r.id);
    expect(told.at(-1)).toEqual({ event: 'host-away', roomId: r.id, closesAt: second + GRACE_MS });
    clock.now = second + GRACE_MS - 1;
    expect(await rule.sweep()).toBe(0);
    clock.now = second + GRACE_MS;
    expect(await rule.sweep()).toBe(1);
  });

  it('does not count the host as away while another of its connections is in the room', async () => {
    const { store, clock, present, told, rule, room } = await setup();
    const r = await room();
    present.add(r.id);
    await rule.hostLeft(r.id);
    expect(told).toEqual([]);
    expect((await store.findRoom(r.id))?.hostAwaySince).toBeUndefined();
    clock.now += 10 * GRACE_MS;
    expect(await rule.sweep()).toBe(0);
  });

  it('clears a stale mark whose host is found in the room at the sweep', async () => {
    const { store, clock, present, rule, room } = await setup();
    const r = await room();
    await rule.hostLeft(r.id);
    present.add(r.id);
    clock.now += GRACE_MS;
    expect(await rule.sweep()).toBe(0);
    expect(await store.findRoom(r.id)).toEqual(r);
  });

  it('leaves a room whose host never came as it is', async () => {
    const { store, clock, told, rule, room } = await setup();
    const r = await room();
    clock.now += 10 * GRACE_MS;
    expect(await rule.sweep()).toBe(0);
    expect(await store.findRoom(r.id)).toEqual(r);
    expect(told).toEqual([]);
  });

  it('is closed once when several nodes sweep together', async () => {
    const { clock, told, node, room } = await setup();
    const r = await room();
    const nodes = [node(), node(), node()];
    await nodes[0]?.hostLeft(r.id);
    clock.now += GRACE_MS;
    const closed = await Promise.all(nodes.map((n) => n.sweep()));
    expect(closed.reduce((a, b) => a + b, 0)).toBe(1);
    expect(told.filter((t) => t.event === 'closed')).toHaveLength(1);
  });

  it('sweeps by itself once started, closing within one sweep after the deadline', async () => {
    // Only the timers and the clock are fake: lowdb's file writes still complete for real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const { store, told, rule, room } = await setup(Date.now);
    const r = await room();
    const left = Date.now();
    await rule.hostLeft(r.id);
    const sweeping = rule.start();
    cleanups.push(() => sweeping.stop());
    // Every quarter of the grace, at most 5 s: 5 s here.
    await vi.advanceTimersByTimeAsync(GRACE_MS - 5000);
    expect(told.filter((t) => t.event === 'closed')).toEqual([]);
    await vi.advanceTimersByTimeAsync(10_000);
    await until(() => told.some((t) => t.event === 'closed'));
    // The time the sweep started, which the fake clock may have passed while the file was written.
    const closedAt = (await store.findRoom(r.id))?.closedAt;
    expect(closedAt).toBeGreaterThanOrEqual(left + GRACE_MS);
    expect(closedAt).toBeLessThanOrEqual(left + GRACE_MS + 5000);
  });
});
