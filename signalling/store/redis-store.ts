import type { Redis } from 'ioredis';
import { z } from 'zod';
import { roomRecordSchema, sessionRecordSchema, userRecordSchema } from './records';
import type { CreateRoomResult, RoomRecord, SessionRecord, Store, UserRecord } from './types';

// Hash fields come back as strings.
const sessionHashSchema = sessionRecordSchema.extend({ expiresAt: z.coerce.number() });
const roomHashSchema = z.object({
  ...roomRecordSchema.shape,
  hostAwaySince: z.optional(z.coerce.number()),
  awaitingHostSince: z.optional(z.coerce.number()),
  closedAt: z.optional(z.coerce.number()),
});

// Each script is one atomic step, so two nodes racing for a username or a room ID cannot both win.
const CREATE_USER = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('HSET', KEYS[2], unpack(ARGV, 2))
  return 1
end
return 0`;
// Counts the host's open rooms from its own set (dropping entries a crashed close left behind),
// so the cost is the host's rooms, never everyone's.
const CREATE_ROOM = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local max = tonumber(ARGV[3])
if max then
  local open = 0
  for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    if redis.call('HGET', ARGV[5] .. id, 'state') == 'open' then
      open = open + 1
    else
      redis.call('SREM', KEYS[2], id)
    end
  end
  if open >= max then return 2 end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
redis.call('SADD', KEYS[2], ARGV[1])
if ARGV[2] ~= '' then redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1]) end
if ARGV[4] ~= '' then redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1]) end
return 1`;
const UPDATE_ROOM = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSET', KEYS[1], unpack(ARGV))
return redis.call('HGETALL', KEYS[1])`;
const CLOSE_ROOM = `
if redis.call('HGET', KEYS[1], 'state') ~= 'open' then return false end
redis.call('HSET', KEYS[1], 'state', 'closed', 'closedAt', ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[1], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[2])
return redis.call('HGETALL', KEYS[1])`;
const REMOVE_FROM_ROOM = `
if redis.call('HGET', KEYS[1], 'state') ~= 'open' then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
return 1`;
const CLOSE_IF_AWAITING_HOST = `
local state = redis.call('HGET', KEYS[1], 'state')
local since = tonumber(redis.call('HGET', KEYS[1], 'awaitingHostSince'))
if state == 'open' and since and since <= tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'state', 'closed', 'closedAt', ARGV[3])
  redis.call('ZREM', KEYS[2], ARGV[2])
  redis.call('ZREM', KEYS[4], ARGV[2])
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
  return redis.call('HGETALL', KEYS[1])
end
if state ~= 'open' or not since then redis.call('ZREM', KEYS[2], ARGV[2]) end
return false`;
const MARK_HOST_AWAY = `
if redis.call('HGET', KEYS[1], 'state') ~= 'open' then return false end
if redis.call('HSETNX', KEYS[1], 'hostAwaySince', ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
end
return redis.call('HGETALL', KEYS[1])`;
const CLOSE_IF_HOST_AWAY = `
local state = redis.call('HGET', KEYS[1], 'state')
local since = tonumber(redis.call('HGET', KEYS[1], 'hostAwaySince'))
if state == 'open' and since and since <= tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'state', 'closed', 'closedAt', ARGV[3])
  redis.call('ZREM', KEYS[2], ARGV[2])
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
  return redis.call('HGETALL', KEYS[1])
end
-- Closed by its host, or the host came back: the index entry is stale.
if state ~= 'open' or not since then redis.call('ZREM', KEYS[2], ARGV[2]) end
return false`;
const DELETE_IF_CLOSED_BEFORE = `
local closed = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[2]))
if not closed or closed > tonumber(ARGV[1]) then return false end
if redis.call('HGET', KEYS[1], 'state') ~= 'closed' then
  -- The room is gone already: the index entry is stale.
  redis.call('ZREM', KEYS[2], ARGV[2])
  return false
end
local room = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1], KEYS[4])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[2])
return room`;
/** Bounded per call so one prune never stalls Redis; the next prune takes the rest. */
const DELETE_EXPIRED = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1000)
for _, hash in ipairs(expired) do
  local user = redis.call('HGET', ARGV[2] .. hash, 'userId')
  if user then redis.call('ZREM', ARGV[3] .. user, hash) end
  redis.call('DEL', ARGV[2] .. hash)
  redis.call('ZREM', KEYS[1], hash)
end
return expired`;
// The new session, then the user's soonest-expiring ones beyond the cap, deleted in one step:
// the cost is this user's sessions, never everyone's.
const CREATE_SESSION = `
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
local revoked = {}
local max = tonumber(ARGV[3])
if max then
  local over = redis.call('ZCARD', KEYS[3]) - max
  if over > 0 then
    revoked = redis.call('ZRANGE', KEYS[3], 0, over - 1)
    for _, hash in ipairs(revoked) do
      redis.call('DEL', ARGV[4] .. hash)
      redis.call('ZREM', KEYS[2], hash)
      redis.call('ZREM', KEYS[3], hash)
    end
  end
end
return revoked`;
const DELETE_SESSION = `
local user = redis.call('HGET', KEYS[1], 'userId')
if user then redis.call('ZREM', ARGV[2] .. user, ARGV[1]) end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`;

type Fields = Record<string, string | number>;

const flat = (fields: Fields): string[] =>
  Object.entries(fields).flatMap(([k, v]) => [k, String(v)]);

/** HGETALL as a script returns [field, value, ...]; an empty hash means no record. */
function pairs(reply: unknown): Record<string, string> | undefined {
  if (!Array.isArray(reply) || reply.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

const present = (hash: Record<string, string>) => (Object.keys(hash).length > 0 ? hash : undefined);

/**
 * Users, sessions and rooms as Redis hashes, shared by every node. Indexes: usernames in
 * lower case to user IDs, a host's room IDs, and sessions ordered by expiry for pruning.
 * Keys are built from IDs and hashes the server made or validated; Redis keys are plain
 * strings, so no value can reach an object prototype.
 */
export class RedisStore implements Store {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'lc:',
  ) {}

  #key = (kind: string, id: string): string => `${this.prefix}${kind}:${id}`;
  get #expiryIndex(): string {
    return `${this.prefix}sessions-by-expiry`;
  }
  /** Open rooms whose host is away, scored by when the host left. */
  get #hostAwayIndex(): string {
    return `${this.prefix}rooms-host-away`;
  }
  /** Closed rooms, scored by when they closed; the score is what retention goes by. */
  get #closedIndex(): string {
    return `${this.prefix}rooms-closed`;
  }
  /** Open rooms whose host has never entered, scored by when they were opened. */
  get #awaitingHostIndex(): string {
    return `${this.prefix}rooms-awaiting-host`;
  }

  async createUser(user: UserRecord): Promise<boolean> {
    const created = await this.redis.eval(
      CREATE_USER,
      2,
      this.#key('username', user.username.toLowerCase()),
      this.#key('user', user.id),
      user.id,
      ...flat({ ...user }),
    );
    return created === 1;
  }

  async findUserByUsername(username: string): Promise<UserRecord | undefined> {
    const id = await this.redis.get(this.#key('username', username.toLowerCase()));
    return id === null ? undefined : this.findUserById(id);
  }

  async findUserById(id: string): Promise<UserRecord | undefined> {
    const hash = present(await this.redis.hgetall(this.#key('user', id)));
    return hash && userRecordSchema.parse(hash);
  }

  async createSession(
    session: SessionRecord,
    maxPerUser = Number.POSITIVE_INFINITY,
  ): Promise<string[]> {
    const revoked = await this.redis.eval(
      CREATE_SESSION,
      3,
      this.#key('session', session.tokenHash),
      this.#expiryIndex,
      this.#key('user-sessions', session.userId),
      session.tokenHash,
      String(session.expiresAt),
      Number.isFinite(maxPerUser) ? String(maxPerUser) : '',
      this.#key('session', ''),
      ...flat({ ...session }),
    );
    return Array.isArray(revoked) ? revoked.map(String) : [];
  }

  async findSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const hash = present(await this.redis.hgetall(this.#key('session', tokenHash)));
    return hash && sessionHashSchema.parse(hash);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.redis.eval(
      DELETE_SESSION,
      2,
      this.#key('session', tokenHash),
      this.#expiryIndex,
      tokenHash,
      this.#key('user-sessions', ''),
    );
  }

  async deleteExpiredSessions(now: number): Promise<string[]> {
    const expired = await this.redis.eval(
      DELETE_EXPIRED,
      1,
      this.#expiryIndex,
      String(now),
      this.#key('session', ''),
      this.#key('user-sessions', ''),
    );
    return Array.isArray(expired) ? expired.map(String) : [];
  }

  async createRoom(
    room: RoomRecord,
    maxOpenByHost = Number.POSITIVE_INFINITY,
  ): Promise<CreateRoomResult> {
    const waiting = room.state === 'open' ? room.awaitingHostSince : undefined;
    const created = await this.redis.eval(
      CREATE_ROOM,
      4,
      this.#key('room', room.id),
      this.#key('host-rooms', room.hostId),
      this.#closedIndex,
      this.#awaitingHostIndex,
      room.id,
      room.state === 'closed' ? String(room.closedAt ?? Date.parse(room.createdAt)) : '',
      Number.isFinite(maxOpenByHost) ? String(maxOpenByHost) : '',
      waiting === undefined ? '' : String(waiting),
      this.#key('room', ''),
      ...flat({ ...room }),
    );
    if (created === 1) return 'created';
    return created === 2 ? 'host_at_limit' : 'id_taken';
  }

  async findRoom(id: string): Promise<RoomRecord | undefined> {
    const hash = present(await this.redis.hgetall(this.#key('room', id)));
    return hash && roomHashSchema.parse(hash);
  }

  async listOpenRoomsByHost(hostId: string): Promise<RoomRecord[]> {
    const ids = await this.redis.smembers(this.#key('host-rooms', hostId));
    const rooms = await Promise.all(ids.map((id) => this.findRoom(id)));
    return rooms
      .filter((r): r is RoomRecord => r?.hostId === hostId && r.state === 'open')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async updateRoom(
    id: string,
    patch: Partial<Pick<RoomRecord, 'pinHmac' | 'pinSealed'>>,
  ): Promise<RoomRecord | undefined> {
    const fields: Fields = {};
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) fields[k] = v;
    if (Object.keys(fields).length === 0) return this.findRoom(id);
    const reply = pairs(
      await this.redis.eval(UPDATE_ROOM, 1, this.#key('room', id), ...flat(fields)),
    );
    return reply && roomHashSchema.parse(reply);
  }

  async closeRoom(id: string, at: number): Promise<RoomRecord | undefined> {
    return this.#closed(
      id,
      await this.redis.eval(
        CLOSE_ROOM,
        4,
        this.#key('room', id),
        this.#hostAwayIndex,
        this.#closedIndex,
        this.#awaitingHostIndex,
        String(at),
        id,
      ),
    );
  }

  /** The record a close script returned, once the room has left its host's set. */
  async #closed(id: string, reply: unknown): Promise<RoomRecord | undefined> {
    const hash = pairs(reply);
    const room = hash && roomHashSchema.parse(hash);
    // Housekeeping only: listOpenRoomsByHost filters on state, so a late removal is harmless.
    if (room) await this.redis.srem(this.#key('host-rooms', room.hostId), id);
    return room;
  }

  async removeFromRoom(roomId: string, userId: string): Promise<boolean> {
    const removed = await this.redis.eval(
      REMOVE_FROM_ROOM,
      2,
      this.#key('room', roomId),
      this.#key('room-removed', roomId),
      userId,
    );
    return removed === 1;
  }

  async isRemovedFromRoom(roomId: string, userId: string): Promise<boolean> {
    return (await this.redis.sismember(this.#key('room-removed', roomId), userId)) === 1;
  }

  async markHostAway(id: string, at: number): Promise<RoomRecord | undefined> {
    const reply = pairs(
      await this.redis.eval(
        MARK_HOST_AWAY,
        2,
        this.#key('room', id),
        this.#hostAwayIndex,
        String(at),
        id,
      ),
    );
    return reply && roomHashSchema.parse(reply);
  }

  async clearHostAway(id: string): Promise<void> {
    await this.redis
      .multi()
      .hdel(this.#key('room', id), 'hostAwaySince')
      .zrem(this.#hostAwayIndex, id)
      .exec();
  }

  async listHostAwaySince(cutoff: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.#hostAwayIndex, '-inf', cutoff, 'LIMIT', 0, limit);
  }

  async closeIfHostAway(id: string, cutoff: number, at: number): Promise<RoomRecord | undefined> {
    return this.#closed(
      id,
      await this.redis.eval(
        CLOSE_IF_HOST_AWAY,
        3,
        this.#key('room', id),
        this.#hostAwayIndex,
        this.#closedIndex,
        String(cutoff),
        id,
        String(at),
      ),
    );
  }

  async clearAwaitingHost(id: string): Promise<void> {
    await this.redis
      .multi()
      .hdel(this.#key('room', id), 'awaitingHostSince')
      .zrem(this.#awaitingHostIndex, id)
      .exec();
  }

  async listAwaitingHostSince(cutoff: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.#awaitingHostIndex, '-inf', cutoff, 'LIMIT', 0, limit);
  }

  async closeIfAwaitingHost(
    id: string,
    cutoff: number,
    at: number,
  ): Promise<RoomRecord | undefined> {
    return this.#closed(
      id,
      await this.redis.eval(
        CLOSE_IF_AWAITING_HOST,
        4,
        this.#key('room', id),
        this.#awaitingHostIndex,
        this.#closedIndex,
        this.#hostAwayIndex,
        String(cutoff),
        id,
        String(at),
      ),
    );
  }

  async listClosedBefore(cutoff: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.#closedIndex, '-inf', cutoff, 'LIMIT', 0, limit);
  }

  async deleteIfClosedBefore(id: string, cutoff: number): Promise<RoomRecord | undefined> {
    // The host's set lost the room when it closed, so nothing else refers to it.
    const reply = pairs(
      await this.redis.eval(
        DELETE_IF_CLOSED_BEFORE,
        4,
        this.#key('room', id),
        this.#closedIndex,
        this.#hostAwayIndex,
        this.#key('room-removed', id),
        String(cutoff),
        id,
      ),
    );
    return reply && roomHashSchema.parse(reply);
  }

  /**
   * Rooms closed before `closedAt` was recorded are in no index; this adds each by its creation
   * time, the earliest it can have closed, so retention reaches them. Every node runs it once at
   * start; running it again adds nothing.
   */
  async indexUndatedClosedRooms(): Promise<number> {
    const prefix = this.#key('room', '');
    let added = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      const found = await Promise.all(
        keys.map(async (key) => {
          const [state, closedAt, createdAt] = await this.redis.hmget(
            key,
            'state',
            'closedAt',
            'createdAt',
          );
          if (state !== 'closed' || typeof closedAt === 'string' || typeof createdAt !== 'string') {
            return 0;
          }
          const id = key.slice(prefix.length);
          return this.redis.zadd(this.#closedIndex, 'NX', Date.parse(createdAt), id);
        }),
      );
      for (const n of found) added += Number(n);
    } while (cursor !== '0');
    return added;
  }

  /** Every write above is acknowledged by Redis before it resolves. */
  async flush(): Promise<void> {}
}
