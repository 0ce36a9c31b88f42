import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB_FILE, openLowdbStore } from './lowdb-store';
import type { RoomRecord, Store, UserRecord } from './types';

function user(username: string): UserRecord {
  return { id: randomUUID(), username, passwordHash: '$2b$10$hash', createdAt: '2026-01-01' };
}

function room(hostId: string): RoomRecord {
  const createdAt = new Date().toISOString();
  return {
    id: randomUUID(),
    name: 'Film',
    hostId,
    createdAt,
    state: 'open',
    pinHmac: 'a',
    pinSealed: 'b',
  };
}

describe('the lowdb store when a write fails', () => {
  let dir: string;
  let store: Store;
  // A directory where the store writes its temporary file: every write fails (EISDIR), even
  // for root, until it is removed.
  const blockWrites = () => mkdir(join(dir, `.${DB_FILE}.tmp`));
  const unblockWrites = () => rm(join(dir, `.${DB_FILE}.tmp`), { recursive: true });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lc-rollback-'));
    store = await openLowdbStore(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps no trace of a user whose write failed, in memory or in the next write', async () => {
    const ann = user('ann');
    expect(await store.createUser(ann)).toBe(true);
    await blockWrites();
    const bob = user('bob');
    await expect(store.createUser(bob)).rejects.toThrow();
    expect(await store.findUserByUsername('bob')).toBeUndefined();
    expect(await store.findUserById(bob.id)).toBeUndefined();
    await unblockWrites();
    // The next write must not carry the failed one along.
    const carol = user('carol');
    expect(await store.createUser(carol)).toBe(true);
    const file = await readFile(join(dir, DB_FILE), 'utf8');
    expect(file).not.toContain(bob.id);
    const reopened = await openLowdbStore(dir);
    expect(await reopened.findUserByUsername('bob')).toBeUndefined();
    expect(await reopened.findUserById(ann.id)).toEqual(ann);
    expect(await reopened.findUserById(carol.id)).toEqual(carol);
    // The name is free again: the failed registration holds nothing.
    expect(await store.createUser(user('Bob'))).toBe(true);
  });

  it('undoes a failed session cap, room close and sign-out, and keeps serving', async () => {
    const ann = user('ann');
    await store.createUser(ann);
    const first = { tokenHash: 'first', userId: ann.id, expiresAt: Date.now() + 60_000 };
    expect(await store.createSession(first, 1)).toEqual([]);
    const open = room(ann.id);
    expect(await store.createRoom(open, 1)).toBe('created');

    await blockWrites();
    const second = { tokenHash: 'second', userId: ann.id, expiresAt: Date.now() + 120_000 };
    await expect(store.createSession(second, 1)).rejects.toThrow();
    await expect(store.closeRoom(open.id, Date.now())).rejects.toThrow();
    await expect(store.deleteSession('first')).rejects.toThrow();
    // Reads between failures see the last written state.
    expect(await store.findSession('first')).toEqual(first);
    expect(await store.findSession('second')).toBeUndefined();
    expect((await store.findRoom(open.id))?.state).toBe('open');
    expect(await store.listOpenRoomsByHost(ann.id)).toHaveLength(1);

    await unblockWrites();
    // The cap still counts the room that stayed open, and the session that stayed.
    expect(await store.createRoom(room(ann.id), 1)).toBe('host_at_limit');
    expect(await store.createSession(second, 1)).toEqual(['first']);
    const reopened = await openLowdbStore(dir);
    expect(await reopened.findSession('first')).toBeUndefined();
    expect(await reopened.findSession('second')).toEqual(second);
    expect((await reopened.findRoom(open.id))?.state).toBe('open');
  });

  it("undoes a failed removal and a failed room deletion, keeping the room's removals", async () => {
    const ann = user('ann');
    await store.createUser(ann);
    const r = room(ann.id);
    await store.createRoom(r);
    expect(await store.removeFromRoom(r.id, 'u-bob')).toBe(true);

    await blockWrites();
    await expect(store.removeFromRoom(r.id, 'u-carol')).rejects.toThrow();
    expect(await store.isRemovedFromRoom(r.id, 'u-carol')).toBe(false);
    await unblockWrites();
    await store.closeRoom(r.id, 1);
    await blockWrites();
    await expect(store.deleteIfClosedBefore(r.id, 2)).rejects.toThrow();
    // The deletion took the room's removals with it; the rollback brings them back.
    expect(await store.isRemovedFromRoom(r.id, 'u-bob')).toBe(true);

    await unblockWrites();
    await store.createUser(user('dave'));
    expect(await readFile(join(dir, DB_FILE), 'utf8')).not.toContain('u-carol');
    const reopened = await openLowdbStore(dir);
    expect(await reopened.isRemovedFromRoom(r.id, 'u-bob')).toBe(true);
    expect(await reopened.isRemovedFromRoom(r.id, 'u-carol')).toBe(false);
  });
});
