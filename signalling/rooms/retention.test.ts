import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { roomReplySchema } from '../../shared/http';
import { loadConfig } from '../config';
import { createLogger } from '../log';
import { connectRedis } from '../redis/connect';
import { createLimits, memoryLimiters } from '../security/limits';
import { openLowdbStore } from '../store/lowdb-store';
import { RedisStore } from '../store/redis-store';
import type { RoomRecord, Store } from '../store/types';
import { api, connectSocket, registerUser, startTestServer } from '../testing/harness';
import { type RedisServer, redisMissing, startRedisServer } from '../testing/redis-server';
import { createRetentionRule } from './retention';

const DAY = 24 * 3600 * 1000;
const NOW = Date.parse('2026-06-01T12:00:00.000Z');

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
});

const limitsConfig = loadConfig({}).limits;

function rule(store: Store, retentionDays = 30) {
  const log = createLogger('silent');
  const errors = vi.spyOn(log, 'error');
  const limits = createLimits(limitsConfig, memoryLimiters);
  return {
    limits,
    errors,
    retention: createRetentionRule({ store, limits, retentionDays, log, now: () => NOW }),
  };
}

async function room(store: Store, closedDaysAgo: number | null): Promise<RoomRecord> {
  const r: RoomRecord = {
    id: `r-${randomUUID()}`,
    name: 'Film',
    hostId: 'host',
    createdAt: new Date(NOW - 60 * DAY).toISOString(),
    state: 'open',
    pinHmac: 'ab',
    pinSealed: 'cd',
  };
  await store.createRoom(r);
  if (closedDaysAgo !== null) await store.closeRoom(r.id, NOW - closedDaysAgo * DAY);
  return r;
}

/** Run once per store: two handles on the same data stand for two nodes. */
function retentionRules(open: () => Promise<{ store: Store; other: Store }>): void {
  it('deletes rooms closed longer ago than the retention, and nothing else', async () => {
    const { store } = await open();
    const old = await room(store, 31);
    const recent = await room(store, 29);
    const open1 = await room(store, null);
    const { retention, limits, errors } = rule(store);
    await limits.pinRoom.consume(old.id);
    await limits.pinRoomDay.consume(old.id);

    expect(await retention.sweep()).toBe(1);
    expect(await store.findRoom(old.id)).toBeUndefined();
    expect(await store.findRoom(recent.id)).toMatchObject({ state: 'closed' });
    expect(await store.findRoom(open1.id)).toEqual(open1);
    expect(await limits.pinRoom.get(old.id)).toBeNull();
    expect(await limits.pinRoomDay.get(old.id)).toBeNull();
    expect(await retention.sweep()).toBe(0);
    expect(errors).not.toHaveBeenCalled();
  });

  it('with 0 days, deletes every closed room at the next sweep but never an open one', async () => {
    const { store } = await open();
    const closed = await room(store, 0);
    const open1 = await room(store, null);
    expect(await rule(store, 0).retention.sweep()).toBe(1);
    expect(await store.findRoom(closed.id)).toBeUndefined();
    expect(await store.findRoom(open1.id)).toEqual(open1);
  });

  it('deletes each room once when two nodes sweep at once', async () => {
    const { store, other } = await open();
    const due = await Promise.all([31, 40, 50, 60].map((d) => room(store, d)));
    await store.flush();
    const [a, b] = [rule(store), rule(other)];
    const counts = await Promise.all([a.retention.sweep(), b.retention.sweep()]);
    expect(counts[0] + counts[1]).toBe(due.length);
    for (const r of due) expect(await store.findRoom(r.id)).toBeUndefined();
    expect(a.errors).not.toHaveBeenCalled();
    expect(b.errors).not.toHaveBeenCalled();
  });
}

describe('retention on the lowdb store', () => {
  // One file has one writer: the second "node" is the same store, racing itself.
  retentionRules(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lc-retention-'));
    const store = await openLowdbStore(dir);
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return { store, other: store };
  });

  it('refuses a join to a deleted room as an unknown room', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lc-retention-'));
    const store = await openLowdbStore(dataDir);
    const server = await startTestServer({ dataDir, deps: { store } });
    cleanups.push(() => server.stop());
    const host = await registerUser(server.url);
    const created = await api(server.url, 'POST', '/api/rooms', { cookie: host.cookie, body: {} });
    const { room: r } = roomReplySchema.parse(await created.json());
    const del = await api(server.url, 'DELETE', `/api/rooms/${r.id}`, { cookie: host.cookie });
    expect(del.status).toBe(204);
    expect((await store.findRoom(r.id))?.closedAt).toBeTypeOf('number');

    const guest = await connectSocket(server.url, (await registerUser(server.url)).cookie);
    cleanups.push(async () => guest.close());
    const joinRoom = () =>
      guest.timeout(3000).emitWithAck('room:join', { roomId: r.id, pin: r.pin });
    expect(await joinRoom()).toMatchObject({ ok: false, error: { code: 'room_closed' } });
    const retention = createRetentionRule({
      store,
      limits: createLimits(limitsConfig, memoryLimiters),
      retentionDays: 30,
      log: createLogger('silent'),
      now: () => Date.now() + 31 * DAY,
    });
    expect(await retention.sweep()).toBe(1);
    expect(await joinRoom()).toMatchObject({
      ok: false,
      error: { code: 'room_not_found', message: 'no room has that ID' },
    });
  });
});

describe.skipIf(redisMissing !== undefined)(
  `retention on the Redis store${redisMissing ? ` (skipped: ${redisMissing})` : ''}`,
  () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await startRedisServer();
    });
    afterAll(() => server?.stop());

    const client = async (): Promise<Redis> => {
      const c = await connectRedis(server.url, 'retention-test', createLogger('silent'));
      cleanups.push(() => c.quit());
      return c;
    };

    retentionRules(async () => {
      const prefix = `t${randomUUID()}:`;
      return {
        store: new RedisStore(await client(), prefix),
        other: new RedisStore(await client(), prefix),
      };
    });

    it('indexes rooms closed before closing times were recorded, by their creation', async () => {
      const prefix = `t${randomUUID()}:`;
      const redis = await client();
      const undated = (id: string, createdAt: number, state: string) =>
        redis.hset(`${prefix}room:${id}`, {
          id,
          name: 'Film',
          hostId: 'host',
          createdAt: new Date(createdAt).toISOString(),
          state,
          pinHmac: 'ab',
          pinSealed: 'cd',
        });
      // As the code before closedAt wrote them: no closedAt, in no closed-room index.
      await undated('old', NOW - 40 * DAY, 'closed');
      await undated('young', NOW - 10 * DAY, 'closed');
      await undated('open', NOW - 40 * DAY, 'open');
      const store = new RedisStore(redis, prefix);
      expect(await store.indexUndatedClosedRooms()).toBe(2);
      expect(await store.indexUndatedClosedRooms()).toBe(0);
      expect(await rule(store).retention.sweep()).toBe(1);
      expect(await store.findRoom('old')).toBeUndefined();
      expect(await store.findRoom('young')).toMatchObject({ state: 'closed' });
      expect(await store.findRoom('open')).toMatchObject({ state: 'open' });
    });
  },
);
