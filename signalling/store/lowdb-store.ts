import { chmod, mkdir, open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Adapter, Low } from 'lowdb';
import { z } from 'zod';
import { roomRecordSchema, sessionRecordSchema, userRecordSchema } from './records';
import type { CreateRoomResult, RoomRecord, SessionRecord, Store, UserRecord } from './types';

const dataSchema = z.object({
  version: z.literal(1),
  users: z.array(userRecordSchema),
  sessions: z.array(sessionRecordSchema),
  rooms: z.array(roomRecordSchema),
  /** Accounts hosts removed from their rooms; absent in files written before it existed. */
  removals: z.array(z.object({ roomId: z.string(), userId: z.string() })).default([]),
});
type Data = z.infer<typeof dataSchema>;

export const DB_FILE = 'db.json';
/** Only the server's own user may enter DATA_DIR or read the database and the PIN secret. */
export const DATA_DIR_MODE = 0o700;
export const DB_FILE_MODE = 0o600;

/** Creates DATA_DIR owner-only when it does not exist; an existing directory keeps its mode. */
export async function ensureDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: DATA_DIR_MODE });
}

/**
 * lowdb's JSONFile writes through steno, whose temporary file gets the process's default mode
 * (0644 under the usual umask), and the rename hands that mode to db.json. This writes the
 * temporary file 0600 instead, then renames it over the database: still a whole old or a whole
 * new file. Writes are already serialised by the store.
 */
class OwnerOnlyJsonFile<T> implements Adapter<T> {
  readonly #temp: string;

  constructor(private readonly file: string) {
    this.#temp = join(dirname(file), `.${basename(file)}.tmp`);
  }

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as T;
    } catch (err) {
      if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return null;
      throw err;
    }
  }

  async write(data: T): Promise<void> {
    const handle = await open(this.#temp, 'w', DB_FILE_MODE);
    try {
      // A temporary file left by an older version keeps its mode when opened: set it.
      await handle.chmod(DB_FILE_MODE);
      await handle.writeFile(JSON.stringify(data, null, 2));
    } finally {
      await handle.close();
    }
    await rename(this.#temp, this.file);
  }
}

/** Rooms closed before `closedAt` was recorded count from their creation, the earliest they can have closed. */
const closedBy = (r: RoomRecord, cutoff: number): boolean =>
  r.state === 'closed' && (r.closedAt ?? Date.parse(r.createdAt)) <= cutoff;

/**
 * One JSON file written atomically by lowdb (temp file + rename). The arrays are the file's
 * shape; Maps index them in memory so lookups by key stay O(1) and untrusted keys never touch
 * object prototypes. Each change runs alone with its write (#change): a write that fails takes
 * its change out of memory again, so no later write persists what its caller saw fail.
 */
class LowdbStore implements Store {
  readonly #users = new Map<string, UserRecord>();
  readonly #usersByName = new Map<string, UserRecord>();
  readonly #sessions = new Map<string, SessionRecord>();
  /** Session hashes per user, so capping one user's sessions reads only theirs. */
  readonly #sessionsByUser = new Map<string, Set<string>>();
  readonly #rooms = new Map<string, RoomRecord>();
  /** Open room IDs per host, so counting and listing a host's rooms ignores everyone else's. */
  readonly #openByHost = new Map<string, Set<string>>();
  /** Removed account IDs per room. */
  readonly #removed = new Map<string, Set<string>>();
  #pending: Promise<unknown> = Promise.resolve();
  /** What the file holds: the state a failed write returns to. */
  #committed: Data;
  /** Set by the index helpers below; a change that set nothing writes nothing. */
  #dirty = false;

  constructor(private readonly db: Low<Data>) {
    this.#committed = db.data;
    this.#load(db.data);
  }

  #load(data: Data): void {
    for (const index of [
      this.#users,
      this.#usersByName,
      this.#sessions,
      this.#sessionsByUser,
      this.#rooms,
      this.#openByHost,
      this.#removed,
    ]) {
      index.clear();
    }
    for (const u of data.users) this.#indexUser(u);
    for (const s of data.sessions) this.#setSession(s);
    for (const r of data.rooms) this.#setRoom(r);
    for (const { roomId, userId } of data.removals) this.#addRemoval(roomId, userId);
  }

  #addRemoval(roomId: string, userId: string): void {
    let removed = this.#removed.get(roomId);
    if (!removed) {
      removed = new Set();
      this.#removed.set(roomId, removed);
    }
    if (removed.has(userId)) return;
    this.#dirty = true;
    removed.add(userId);
  }

  #setSession(s: SessionRecord): void {
    this.#dirty = true;
    this.#sessions.set(s.tokenHash, s);
    let mine = this.#sessionsByUser.get(s.userId);
    if (!mine) {
      mine = new Set();
      this.#sessionsByUser.set(s.userId, mine);
    }
    mine.add(s.tokenHash);
  }

  #dropSession(tokenHash: string): boolean {
    const s = this.#sessions.get(tokenHash);
    if (!s) return false;
    this.#dirty = true;
    this.#sessions.delete(tokenHash);
    const mine = this.#sessionsByUser.get(s.userId);
    if (mine?.delete(tokenHash) && mine.size === 0) this.#sessionsByUser.delete(s.userId);
    return true;
  }

  /** Every change to a room goes through here, keeping the host index in step. */
  #setRoom(r: RoomRecord): void {
    this.#dirty = true;
    this.#rooms.set(r.id, r);
    let open = this.#openByHost.get(r.hostId);
    if (r.state === 'open') {
      if (!open) {
        open = new Set();
        this.#openByHost.set(r.hostId, open);
      }
      open.add(r.id);
    } else if (open?.delete(r.id) && open.size === 0) {
      this.#openByHost.delete(r.hostId);
    }
  }

  #deleteRoom(r: RoomRecord): void {
    this.#dirty = true;
    this.#rooms.delete(r.id);
    this.#removed.delete(r.id);
    const open = this.#openByHost.get(r.hostId);
    if (open?.delete(r.id) && open.size === 0) this.#openByHost.delete(r.hostId);
  }

  #indexUser(u: UserRecord): void {
    this.#dirty = true;
    this.#users.set(u.id, u);
    this.#usersByName.set(u.username.toLowerCase(), u);
  }

  /**
   * Runs `apply` once every earlier change is written, then writes what it changed. Checks and
   * sets inside `apply` have no await between them, and no other change runs until this one's
   * write settles. A failed write restores the last written state and rejects; the next change
   * still runs.
   */
  #change<T>(apply: () => T): Promise<T> {
    const next = this.#pending
      .catch(() => undefined)
      .then(async () => {
        this.#dirty = false;
        const result = apply();
        if (!this.#dirty) return result;
        const data: Data = {
          version: 1,
          users: [...this.#users.values()],
          sessions: [...this.#sessions.values()],
          rooms: [...this.#rooms.values()],
          removals: [...this.#removed].flatMap(([roomId, users]) =>
            [...users].map((userId) => ({ roomId, userId })),
          ),
        };
        this.db.data = data;
        try {
          await this.db.write();
        } catch (err) {
          this.db.data = this.#committed;
          this.#load(this.#committed);
          throw err;
        }
        this.#committed = data;
        return result;
      });
    this.#pending = next;
    return next;
  }

  createUser(user: UserRecord): Promise<boolean> {
    return this.#change(() => {
      if (this.#usersByName.has(user.username.toLowerCase())) return false;
      this.#indexUser({ ...user });
      return true;
    });
  }

  async findUserByUsername(username: string): Promise<UserRecord | undefined> {
    const u = this.#usersByName.get(username.toLowerCase());
    return u && { ...u };
  }

  async findUserById(id: string): Promise<UserRecord | undefined> {
    const u = this.#users.get(id);
    return u && { ...u };
  }

  createSession(session: SessionRecord, maxPerUser = Number.POSITIVE_INFINITY): Promise<string[]> {
    return this.#change(() => {
      this.#setSession({ ...session });
      const mine = [...(this.#sessionsByUser.get(session.userId) ?? [])]
        .map((hash) => this.#sessions.get(hash))
        .filter((s): s is SessionRecord => s !== undefined)
        .sort((a, b) => a.expiresAt - b.expiresAt);
      const over = Math.max(0, mine.length - maxPerUser);
      const revoked = mine.slice(0, over).map((s) => s.tokenHash);
      for (const hash of revoked) this.#dropSession(hash);
      return revoked;
    });
  }

  async findSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const s = this.#sessions.get(tokenHash);
    return s && { ...s };
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.#change(() => this.#dropSession(tokenHash));
  }

  deleteExpiredSessions(now: number): Promise<string[]> {
    return this.#change(() => {
      const expired = [...this.#sessions.values()].filter((s) => s.expiresAt <= now);
      for (const s of expired) this.#dropSession(s.tokenHash);
      return expired.map((s) => s.tokenHash);
    });
  }

  createRoom(
    room: RoomRecord,
    maxOpenByHost = Number.POSITIVE_INFINITY,
  ): Promise<CreateRoomResult> {
    return this.#change(() => {
      if (this.#rooms.has(room.id)) return 'id_taken';
      if ((this.#openByHost.get(room.hostId)?.size ?? 0) >= maxOpenByHost) return 'host_at_limit';
      this.#setRoom({ ...room });
      return 'created';
    });
  }

  async findRoom(id: string): Promise<RoomRecord | undefined> {
    const r = this.#rooms.get(id);
    return r && { ...r };
  }

  async listOpenRoomsByHost(hostId: string): Promise<RoomRecord[]> {
    return [...(this.#openByHost.get(hostId) ?? [])]
      .map((id) => this.#rooms.get(id))
      .filter((r): r is RoomRecord => r?.hostId === hostId && r.state === 'open')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((r) => ({ ...r }));
  }

  updateRoom(
    id: string,
    patch: Partial<Pick<RoomRecord, 'pinHmac' | 'pinSealed'>>,
  ): Promise<RoomRecord | undefined> {
    return this.#change(() => {
      const r = this.#rooms.get(id);
      if (!r) return undefined;
      const updated = { ...r, ...patch };
      this.#setRoom(updated);
      return { ...updated };
    });
  }

  closeRoom(id: string, at: number): Promise<RoomRecord | undefined> {
    return this.#change(() => {
      const r = this.#rooms.get(id);
      return r?.state === 'open' ? this.#close(r, at) : undefined;
    });
  }

  /** Called inside a change, right after its check, so two racing closes cannot both win. */
  #close(r: RoomRecord, at: number): RoomRecord {
    const closed: RoomRecord = { ...r, state: 'closed', closedAt: at };
    this.#setRoom(closed);
    return { ...closed };
  }

  removeFromRoom(roomId: string, userId: string): Promise<boolean> {
    return this.#change(() => {
      if (this.#rooms.get(roomId)?.state !== 'open') return false;
      this.#addRemoval(roomId, userId);
      return true;
    });
  }

  async isRemovedFromRoom(roomId: string, userId: string): Promise<boolean> {
    return this.#removed.get(roomId)?.has(userId) ?? false;
  }

  markHostAway(id: string, at: number): Promise<RoomRecord | undefined> {
    return this.#change(() => {
      const r = this.#rooms.get(id);
      if (r?.state !== 'open') return undefined;
      if (r.hostAwaySince !== undefined) return { ...r };
      const away = { ...r, hostAwaySince: at };
      this.#setRoom(away);
      return { ...away };
    });
  }

  async clearHostAway(id: string): Promise<void> {
    await this.#change(() => {
      const r = this.#rooms.get(id);
      if (r?.hostAwaySince === undefined) return;
      const { hostAwaySince: _, ...present } = r;
      this.#setRoom(present);
    });
  }

  async listHostAwaySince(cutoff: number, limit: number): Promise<string[]> {
    return [...this.#rooms.values()]
      .filter(
        (r) => r.state === 'open' && r.hostAwaySince !== undefined && r.hostAwaySince <= cutoff,
      )
      .slice(0, limit)
      .map((r) => r.id);
  }

  closeIfHostAway(id: string, cutoff: number, at: number): Promise<RoomRecord | undefined> {
    return this.#change(() => {
      const r = this.#rooms.get(id);
      if (r?.state !== 'open' || r.hostAwaySince === undefined || r.hostAwaySince > cutoff) {
        return undefined;
      }
      return this.#close(r, at);
    });
  }

  async clearAwaitingHost(id: string): Promise<void> {
    await this.#change(() => {
      const r = this.#rooms.get(id);
      if (r?.awaitingHostSince === undefined) return;
      const { awaitingHostSince: _, ...rest } = r;
      this.#setRoom(rest);
    });
  }

  async listAwaitingHostSince(cutoff: number, limit: number): Promise<string[]> {
    return [...this.#rooms.values()]
      .filter(
        (r) =>
          r.state === 'open' && r.awaitingHostSince !== undefined && r.awaitingHostSince <= cutoff,
      )
      .slice(0, limit)
      .map((r) => r.id);
  }

  closeIfAwaitingHost(id: string, cutoff: number, at: number): Promise<RoomRecord | undefined> {
    return this.#change(() => {
      const r = this.#rooms.get(id);
      const waiting = r?.awaitingHostSince;
      if (r?.state !== 'open' || waiting === undefined || waiting > cutoff) return undefined;
      return this.#close(r, at);
    });
  }

  async listClosedBefore(cutoff: number, limit: number): Promise<string[]> {
    return [...this.#rooms.values()]
      .filter((r) => closedBy(r, cutoff))
      .slice(0, limit)
      .map((r) => r.id);
  }

  deleteIfClosedBefore(id: string, cutoff: number): Promise<RoomRecord | undefined> {
    return this.#change(() => {
      const r = this.#rooms.get(id);
      if (!r || !closedBy(r, cutoff)) return undefined;
      this.#deleteRoom(r);
      return { ...r };
    });
  }

  async flush(): Promise<void> {
    await this.#pending.catch(() => undefined);
  }
}

/** Opens (or creates) DATA_DIR/db.json; a file that does not match the schema stops the start. */
export async function openLowdbStore(dataDir: string): Promise<Store> {
  await ensureDataDir(dataDir);
  const file = join(dataDir, DB_FILE);
  const empty: Data = { version: 1, users: [], sessions: [], rooms: [], removals: [] };
  // Not JSONFilePreset: it silently keeps data in memory when NODE_ENV is 'test'.
  const db = new Low<Data>(new OwnerOnlyJsonFile<Data>(file), empty);
  await db.read();
  // A database written by an older version may be readable by others.
  await chmod(file, DB_FILE_MODE).catch((err: unknown) => {
    if (!(err instanceof Error && 'code' in err && err.code === 'ENOENT')) throw err;
  });
  const parsed = dataSchema.safeParse(db.data);
  if (!parsed.success) {
    throw new Error(`${file} is not a LiveConnect database: ${parsed.error.issues[0]?.message}`);
  }
  db.data = parsed.data;
  return new LowdbStore(db);
}
