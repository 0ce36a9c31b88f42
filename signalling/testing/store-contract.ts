import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { roomRecordSchema, sessionRecordSchema, userRecordSchema } from '../store/records';
import type { RoomRecord, SessionRecord, Store, UserRecord } from '../store/types';

/** A store under test with its data, and a way to reach the same data afresh. */
export interface StoreSubject {
  store: Store;
  /** The same data through a new handle: a reopened file, a new connection. */
  reopen(): Promise<Store>;
  close(): Promise<void>;
}

const uid = (kind: string) => `${kind}-${randomUUID()}`;

function user(username: string): UserRecord {
  return {
    id: uid('u'),
    username,
    passwordHash: '$2b$10$hash',
    createdAt: new Date().toISOString(),
  };
}

function room(hostId: string, createdAt: string, state: RoomRecord['state'] = 'open'): RoomRecord {
  return { id: uid('r'), name: 'Film', hostId, createdAt, state, pinHmac: 'ab', pinSealed: 'cd' };
}

function session(userId: string, expiresAt: number): SessionRecord {
  return { tokenHash: uid('t'), userId, expiresAt };
}

/**
 * What every Store must do, whatever keeps the data: run inside a describe() once per
 * implementation (lowdb, Redis) so both are held to one contract.
 */
export function storeContract(open: () => Promise<StoreSubject>): void {
  let subject: StoreSubject;
  let store: Store;
  beforeEach(async () => {
    subject = await open();
    store = subject.store;
  });
  afterEach(() => subject.close());

  it('creates users and finds them by ID and by username in any case', async () => {
    const ann = user('Ann.Lee');
    expect(await store.createUser(ann)).toBe(true);
    expect(await store.findUserById(ann.id)).toEqual(ann);
    expect(await store.findUserByUsername('ann.lee')).toEqual(ann);
    expect(await store.findUserByUsername('ANN.LEE')).toEqual(ann);
    expect(await store.findUserByUsername('bob')).toBeUndefined();
    expect(await store.findUserById('nobody')).toBeUndefined();
  });

  it('refuses a username taken in another case, and only one of two racing for it wins', async () => {
    expect(await store.createUser(user('carol'))).toBe(true);
    expect(await store.createUser(user('CAROL'))).toBe(false);
    const racers = await Promise.all(
      ['dave', 'Dave', 'DAVE'].map((u) => store.createUser(user(u))),
    );
    expect(racers.filter(Boolean)).toHaveLength(1);
  });

  it('treats names like __proto__ as plain names', async () => {
    for (const name of ['__proto__', 'constructor', 'toString']) {
      const u = user(name);
      expect(await store.createUser(u)).toBe(true);
      expect(await store.findUserByUsername(name)).toEqual(u);
    }
    expect(await store.findRoom('__proto__')).toBeUndefined();
    expect(await store.findSession('constructor')).toBeUndefined();
  });

  it('hands out copies: changing a returned record changes nothing stored', async () => {
    const eve = user('eve');
    await store.createUser(eve);
    const found = await store.findUserById(eve.id);
    if (found) found.username = 'mallory';
    expect(await store.findUserByUsername('eve')).toEqual(eve);
  });

  it('creates, finds and deletes sessions', async () => {
    const s = session('u1', Date.now() + 60_000);
    await store.createSession(s);
    expect(await store.findSession(s.tokenHash)).toEqual(s);
    await store.deleteSession(s.tokenHash);
    expect(await store.findSession(s.tokenHash)).toBeUndefined();
    await store.deleteSession(s.tokenHash);
  });

  it("caps a user's sessions in one step, deleting the soonest to expire", async () => {
    const userId = uid('u');
    const someone = session(uid('u'), 1);
    await store.createSession(someone, 1);
    const [s1, s2, s3, s4] = [4000, 1000, 3000, 2000].map((at) => session(userId, at)) as [
      SessionRecord,
      SessionRecord,
      SessionRecord,
      SessionRecord,
    ];
    expect(await store.createSession(s1, 3)).toEqual([]);
    expect(await store.createSession(s2, 3)).toEqual([]);
    expect(await store.createSession(s3, 3)).toEqual([]);
    expect(await store.createSession(s4, 3)).toEqual([s2.tokenHash]);
    expect(await store.findSession(s2.tokenHash)).toBeUndefined();
    for (const s of [s1, s3, s4, someone]) expect(await store.findSession(s.tokenHash)).toEqual(s);
    // Deleted and expired sessions leave the count, so they are not revoked twice.
    await store.deleteSession(s4.tokenHash);
    expect(await store.deleteExpiredSessions(3000)).toEqual(
      expect.arrayContaining([s3.tokenHash, someone.tokenHash]),
    );
    const s5 = session(userId, 5000);
    const s6 = session(userId, 6000);
    expect(await store.createSession(s5, 3)).toEqual([]);
    expect(await store.createSession(s6, 3)).toEqual([]);
    expect(await store.createSession(session(userId, 7000), 3)).toEqual([s1.tokenHash]);
    // Without a cap nothing is revoked.
    expect(await store.createSession(session(userId, 8000))).toEqual([]);
  });

  it('deletes the sessions expired at a time, reports each once, and keeps the rest', async () => {
    const now = 1_900_000_000_000;
    const old = session('u1', now - 1);
    const edge = session('u1', now);
    const live = session('u1', now + 1);
    for (const s of [old, edge, live]) await store.createSession(s);
    expect((await store.deleteExpiredSessions(now)).sort()).toEqual(
      [old.tokenHash, edge.tokenHash].sort(),
    );
    expect(await store.deleteExpiredSessions(now)).toEqual([]);
    expect(await store.findSession(old.tokenHash)).toBeUndefined();
    expect(await store.findSession(live.tokenHash)).toEqual(live);
  });

  it('creates rooms once per ID and finds them', async () => {
    const r = room('host', '2026-01-01T00:00:00.000Z');
    expect(await store.createRoom(r)).toBe('created');
    expect(await store.createRoom({ ...r, name: 'Other' })).toBe('id_taken');
    expect(await store.findRoom(r.id)).toEqual(r);
    expect(await store.findRoom('zzz-zzzz-zzz')).toBeUndefined();
  });

  it("caps a host's open rooms in one step, counting only that host's open rooms", async () => {
    const host = uid('host');
    // Someone else's rooms and this host's closed ones do not count.
    for (let i = 0; i < 5; i += 1)
      await store.createRoom(room(uid('other'), '2026-01-01T00:00:00.000Z'), 3);
    const old = room(host, '2026-01-01T00:00:00.000Z');
    expect(await store.createRoom(old, 3)).toBe('created');
    await store.closeRoom(old.id, 1000);
    const racers = await Promise.all(
      Array.from({ length: 8 }, () => store.createRoom(room(host, '2026-01-02T00:00:00.000Z'), 3)),
    );
    expect(racers.filter((r) => r === 'created')).toHaveLength(3);
    expect(racers.filter((r) => r === 'host_at_limit')).toHaveLength(5);
    expect(await store.listOpenRoomsByHost(host)).toHaveLength(3);
    // Closing one frees its place; the ID check comes first.
    const [first] = await store.listOpenRoomsByHost(host);
    expect(await store.createRoom({ ...(first as RoomRecord) }, 3)).toBe('id_taken');
    await store.closeRoom(first?.id ?? '', 2000);
    expect(await store.createRoom(room(host, '2026-01-03T00:00:00.000Z'), 3)).toBe('created');
    expect(await store.createRoom(room(host, '2026-01-03T00:00:00.000Z'), 3)).toBe('host_at_limit');
  });

  it('lists rooms still waiting for their host, forgets those it entered, and closes each once', async () => {
    const host = uid('host');
    const waiting = (since: number): RoomRecord => ({
      ...room(host, new Date(since).toISOString()),
      awaitingHostSince: since,
    });
    const [early, edge, late, entered, closedByHost] = [1000, 2000, 2001, 1000, 1000].map(
      waiting,
    ) as [RoomRecord, RoomRecord, RoomRecord, RoomRecord, RoomRecord];
    const legacy = room(host, new Date(0).toISOString());
    for (const r of [early, edge, late, entered, closedByHost, legacy]) await store.createRoom(r);
    await store.clearAwaitingHost(entered.id);
    await store.clearAwaitingHost('zzz-zzzz-zzz');
    await store.closeRoom(closedByHost.id, 1500);
    const { awaitingHostSince: _, ...enteredNow } = entered;
    expect(await store.findRoom(entered.id)).toEqual(enteredNow);

    const due = await store.listAwaitingHostSince(2000, 100);
    expect([...due].sort()).toEqual([early.id, edge.id].sort());
    expect(await store.listAwaitingHostSince(2000, 1)).toHaveLength(1);

    const racers = await Promise.all(
      [1, 2, 3].map(() => store.closeIfAwaitingHost(early.id, 2000, 5000)),
    );
    expect(racers.filter((r) => r !== undefined)).toEqual([
      { ...early, state: 'closed', closedAt: 5000 },
    ]);
    for (const r of [late, entered, closedByHost, legacy]) {
      expect(await store.closeIfAwaitingHost(r.id, 2000, 5000)).toBeUndefined();
    }
    expect(await store.closeIfAwaitingHost('zzz-zzzz-zzz', 2000, 5000)).toBeUndefined();
    expect(await store.listAwaitingHostSince(2000, 100)).toEqual([edge.id]);
    expect(await store.findRoom(late.id)).toMatchObject({ state: 'open', awaitingHostSince: 2001 });
    expect((await store.listOpenRoomsByHost(host)).map((r) => r.id)).not.toContain(early.id);
  });

  it("lists a host's open rooms only, oldest first", async () => {
    const host = uid('host');
    const later = room(host, '2026-01-02T00:00:00.000Z');
    const earlier = room(host, '2026-01-01T00:00:00.000Z');
    const closed = room(host, '2026-01-03T00:00:00.000Z');
    const foreign = room(uid('host'), '2026-01-01T00:00:00.000Z');
    for (const r of [later, earlier, closed, foreign]) await store.createRoom(r);
    await store.closeRoom(closed.id, 1000);
    expect(await store.listOpenRoomsByHost(host)).toEqual([earlier, later]);
    expect(await store.listOpenRoomsByHost(uid('host'))).toEqual([]);
  });

  it('updates the PIN fields of a room and returns the new record', async () => {
    const r = room('host', '2026-01-01T00:00:00.000Z');
    await store.createRoom(r);
    const rotated = await store.updateRoom(r.id, { pinHmac: 'ef', pinSealed: 'gh' });
    expect(rotated).toEqual({ ...r, pinHmac: 'ef', pinSealed: 'gh' });
    expect(await store.findRoom(r.id)).toEqual(rotated);
    expect(await store.updateRoom('zzz-zzzz-zzz', { pinHmac: 'ef' })).toBeUndefined();
    expect(await store.findRoom('zzz-zzzz-zzz')).toBeUndefined();
  });

  it('closes an open room once, recording when', async () => {
    const r = room('host', '2026-01-01T00:00:00.000Z');
    await store.createRoom(r);
    const racers = await Promise.all([1000, 2000, 3000].map((at) => store.closeRoom(r.id, at)));
    const closed = racers.filter((c) => c !== undefined);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toEqual({ ...r, state: 'closed', closedAt: closed[0]?.closedAt });
    expect([1000, 2000, 3000]).toContain(closed[0]?.closedAt);
    expect(await store.findRoom(r.id)).toEqual(closed[0]);
    expect(await store.closeRoom(r.id, 4000)).toBeUndefined();
    expect(await store.closeRoom('zzz-zzzz-zzz', 1000)).toBeUndefined();
    expect(await store.findRoom('zzz-zzzz-zzz')).toBeUndefined();
  });

  it('keeps removed accounts per room, for open rooms only, until the room is deleted', async () => {
    const r = room('host', '2026-01-01T00:00:00.000Z');
    const other = room('host', '2026-01-01T00:00:00.000Z');
    await store.createRoom(r);
    await store.createRoom(other);
    expect(await store.isRemovedFromRoom(r.id, 'u-bob')).toBe(false);
    expect(await store.removeFromRoom(r.id, 'u-bob')).toBe(true);
    expect(await store.removeFromRoom(r.id, 'u-bob')).toBe(true);
    expect(await store.isRemovedFromRoom(r.id, 'u-bob')).toBe(true);
    // Per room and per account.
    expect(await store.isRemovedFromRoom(other.id, 'u-bob')).toBe(false);
    expect(await store.isRemovedFromRoom(r.id, 'u-carol')).toBe(false);
    expect(await store.isRemovedFromRoom(r.id, '__proto__')).toBe(false);
    expect(await store.removeFromRoom('zzz-zzzz-zzz', 'u-bob')).toBe(false);
    expect(await store.isRemovedFromRoom('zzz-zzzz-zzz', 'u-bob')).toBe(false);
    expect(await (await subject.reopen()).isRemovedFromRoom(r.id, 'u-bob')).toBe(true);

    await store.closeRoom(r.id, 1000);
    expect(await store.removeFromRoom(r.id, 'u-carol')).toBe(false);
    expect(await store.isRemovedFromRoom(r.id, 'u-carol')).toBe(false);
    expect(await store.isRemovedFromRoom(r.id, 'u-bob')).toBe(true);
    expect(await store.deleteIfClosedBefore(r.id, 1000)).toBeDefined();
    expect(await store.isRemovedFromRoom(r.id, 'u-bob')).toBe(false);
    expect(await (await subject.reopen()).isRemovedFromRoom(r.id, 'u-bob')).toBe(false);
  });

  it('records when the host left once, until it comes back, and only for open rooms', async () => {
    const r = room('host', '2026-01-01T00:00:00.000Z');
    await store.createRoom(r);
    expect(await store.markHostAway(r.id, 1000)).toEqual({ ...r, hostAwaySince: 1000 });
    // A second departure (another tab of the host) keeps the first time.
    expect(await store.markHostAway(r.id, 2000)).toEqual({ ...r, hostAwaySince: 1000 });
    expect(await store.findRoom(r.id)).toEqual({ ...r, hostAwaySince: 1000 });
    await store.clearHostAway(r.id);
    expect(await store.findRoom(r.id)).toEqual(r);
    expect(await store.listHostAwaySince(Number.MAX_SAFE_INTEGER, 100)).not.toContain(r.id);
    await store.clearHostAway(r.id);
    expect(await store.markHostAway(r.id, 3000)).toEqual({ ...r, hostAwaySince: 3000 });

    const closed = room('host', '2026-01-01T00:00:00.000Z', 'closed');
    await store.createRoom(closed);
    expect(await store.markHostAway(closed.id, 1000)).toBeUndefined();
    expect(await store.markHostAway('zzz-zzzz-zzz', 1000)).toBeUndefined();
    expect(await store.findRoom('zzz-zzzz-zzz')).toBeUndefined();
  });

  it('lists rooms whose host has been away since a time, and closes each once', async () => {
    const host = uid('host');
    const [early, edge, late, back, byHost] = [1, 2, 3, 4, 5].map((day) =>
      room(host, `2026-01-0${day}T00:00:00.000Z`),
    ) as [RoomRecord, RoomRecord, RoomRecord, RoomRecord, RoomRecord];
    for (const r of [early, edge, late, back, byHost]) await store.createRoom(r);
    await store.markHostAway(early.id, 1000);
    await store.markHostAway(edge.id, 2000);
    await store.markHostAway(late.id, 2001);
    await store.markHostAway(back.id, 1000);
    await store.clearHostAway(back.id);
    await store.markHostAway(byHost.id, 1000);
    await store.closeRoom(byHost.id, 1500);

    const due = await store.listHostAwaySince(2000, 100);
    expect(due).toEqual(expect.arrayContaining([early.id, edge.id]));
    expect(due).not.toContain(late.id);
    expect(due).not.toContain(back.id);
    expect(await store.listHostAwaySince(2000, 1)).toHaveLength(1);

    const racers = await Promise.all(
      [1, 2, 3].map(() => store.closeIfHostAway(early.id, 2000, 5000)),
    );
    expect(racers.filter((r) => r !== undefined)).toEqual([
      { ...early, hostAwaySince: 1000, state: 'closed', closedAt: 5000 },
    ]);
    expect(await store.closeIfHostAway(late.id, 2000, 5000)).toBeUndefined();
    expect(await store.closeIfHostAway(back.id, 2000, 5000)).toBeUndefined();
    expect(await store.closeIfHostAway(byHost.id, 2000, 5000)).toBeUndefined();
    expect(await store.closeIfHostAway('zzz-zzzz-zzz', 2000, 5000)).toBeUndefined();
    expect(await store.findRoom(late.id)).toMatchObject({ state: 'open', hostAwaySince: 2001 });
    expect(await store.listOpenRoomsByHost(host)).toEqual([
      { ...edge, hostAwaySince: 2000 },
      { ...late, hostAwaySince: 2001 },
      back,
    ]);
    expect(await store.listHostAwaySince(2000, 100)).toEqual([edge.id]);
  });

  it('lists and deletes rooms closed at or before a time, each once, and never open ones', async () => {
    const day = 24 * 3600 * 1000;
    const now = Date.parse('2026-03-01T00:00:00.000Z');
    const host = uid('host');
    const created = '2026-01-01T00:00:00.000Z';
    const [old, recent, edge, open, away] = [1, 2, 3, 4, 5].map(() => room(host, created)) as [
      RoomRecord,
      RoomRecord,
      RoomRecord,
      RoomRecord,
      RoomRecord,
    ];
    for (const r of [old, recent, edge, open, away]) await store.createRoom(r);
    await store.closeRoom(old.id, now - 31 * day);
    await store.closeRoom(recent.id, now - 29 * day);
    await store.closeRoom(edge.id, now - 30 * day);
    await store.markHostAway(away.id, now - 31 * day);
    await store.closeIfHostAway(away.id, now - 31 * day, now - 31 * day);
    // Closed before closedAt was recorded: counted from its creation.
    const undated = room(host, new Date(now - 40 * day).toISOString(), 'closed');
    const undatedRecent = room(host, new Date(now - 10 * day).toISOString(), 'closed');
    for (const r of [undated, undatedRecent]) await store.createRoom(r);

    const cutoff = now - 30 * day;
    const due = await store.listClosedBefore(cutoff, 100);
    expect([...due].sort()).toEqual([old.id, edge.id, away.id, undated.id].sort());
    expect(await store.listClosedBefore(cutoff, 2)).toHaveLength(2);
    // An open room is never deleted, whatever its age.
    expect(await store.deleteIfClosedBefore(open.id, Number.MAX_SAFE_INTEGER)).toBeUndefined();
    expect(await store.deleteIfClosedBefore(recent.id, cutoff)).toBeUndefined();

    const racers = await Promise.all(
      [...due, ...due].map((id) => store.deleteIfClosedBefore(id, cutoff)),
    );
    const deleted = racers.filter((r) => r !== undefined);
    expect(deleted.map((r) => r.id).sort()).toEqual([...due].sort());
    expect(deleted.find((r) => r.id === old.id)).toEqual({
      ...old,
      state: 'closed',
      closedAt: now - 31 * day,
    });
    for (const id of due) expect(await store.findRoom(id)).toBeUndefined();
    expect(await store.listClosedBefore(cutoff, 100)).toEqual([]);
    expect(await store.listHostAwaySince(Number.MAX_SAFE_INTEGER, 100)).not.toContain(away.id);
    expect(await store.deleteIfClosedBefore('zzz-zzzz-zzz', cutoff)).toBeUndefined();
    expect(await store.findRoom(recent.id)).toMatchObject({ closedAt: now - 29 * day });
    expect(await store.findRoom(undatedRecent.id)).toEqual(undatedRecent);
    expect(await store.listOpenRoomsByHost(host)).toEqual([open]);
    // A deleted room's ID is free again, like any unknown ID.
    expect(await store.createRoom({ ...old, state: 'open' })).toBe('created');
  });

  it('keeps everything for the next handle on the same data', async () => {
    const frank = user('frank');
    const s = session(frank.id, Date.now() + 60_000);
    const r = room(frank.id, '2026-01-01T00:00:00.000Z');
    await store.createUser(frank);
    await store.createSession(s);
    await store.createRoom(r);
    await store.markHostAway(r.id, 1000);
    const closed = room(frank.id, '2026-01-01T00:00:00.000Z');
    await store.createRoom(closed);
    await store.closeRoom(closed.id, 2000);
    await store.flush();
    const again = await subject.reopen();
    expect(await again.findRoom(closed.id)).toEqual({ ...closed, state: 'closed', closedAt: 2000 });
    expect(await again.listClosedBefore(2000, 100)).toEqual([closed.id]);
    expect(await again.findUserByUsername('FRANK')).toEqual(frank);
    expect(await again.findSession(s.tokenHash)).toEqual(s);
    expect(await again.listOpenRoomsByHost(frank.id)).toEqual([{ ...r, hostAwaySince: 1000 }]);
    expect(await again.listHostAwaySince(1000, 100)).toContain(r.id);
    expect(await again.createUser(user('Frank'))).toBe(false);
  });

  it('gives back every field the record schemas define, through a new handle', async () => {
    const grace = user('grace');
    const s = session(grace.id, Date.now() + 60_000);
    const r: RoomRecord = {
      ...room(grace.id, '2026-01-01T00:00:00.000Z', 'closed'),
      hostAwaySince: 1000,
      awaitingHostSince: 500,
      closedAt: 2000,
    };
    // A field added to a schema must be added here too, or this fails.
    expect(Object.keys(grace).sort()).toEqual(Object.keys(userRecordSchema.shape).sort());
    expect(Object.keys(s).sort()).toEqual(Object.keys(sessionRecordSchema.shape).sort());
    expect(Object.keys(r).sort()).toEqual(Object.keys(roomRecordSchema.shape).sort());
    await store.createUser(grace);
    await store.createSession(s);
    await store.createRoom(r);
    await store.flush();
    const again = await subject.reopen();
    expect(await again.findUserById(grace.id)).toEqual(grace);
    expect(await again.findSession(s.tokenHash)).toEqual(s);
    expect(await again.findRoom(r.id)).toEqual(r);
  });
}
