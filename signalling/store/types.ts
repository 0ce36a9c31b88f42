/** Persistent state. Async throughout so a networked store (e.g. Redis) can implement it. */

export interface UserRecord {
  id: string;
  /** As the person typed it at registration. */
  username: string;
  passwordHash: string;
  createdAt: string;
}

export interface SessionRecord {
  /** SHA-256 of the cookie token, hex; the token itself is never stored. */
  tokenHash: string;
  userId: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export type RoomState = 'open' | 'closed';

export interface RoomRecord {
  id: string;
  name: string;
  hostId: string;
  createdAt: string;
  state: RoomState;
  /** HMAC-SHA256 of the PIN, hex; what joins are checked against. */
  pinHmac: string;
  /** The PIN sealed with AES-256-GCM, so the host can read it back; base64url. */
  pinSealed: string;
  /**
   * When the host's last connection left, in milliseconds since the epoch; absent while the
   * host is in the room and in rooms whose host never came. Past the grace the room closes.
   */
  hostAwaySince?: number;
  /**
   * When the room closed, in milliseconds since the epoch; absent while open and in rooms closed
   * before it was recorded, whose retention counts from `createdAt` instead.
   */
  closedAt?: number;
}

export interface Store {
  /** Returns false when the username is taken (compared case-insensitively). */
  createUser(user: UserRecord): Promise<boolean>;
  findUserByUsername(username: string): Promise<UserRecord | undefined>;
  findUserById(id: string): Promise<UserRecord | undefined>;

  createSession(session: SessionRecord): Promise<void>;
  findSession(tokenHash: string): Promise<SessionRecord | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Removes sessions expired at `now` and returns their hashes. */
  deleteExpiredSessions(now: number): Promise<string[]>;

  /** Returns false when the ID is already used. */
  createRoom(room: RoomRecord): Promise<boolean>;
  findRoom(id: string): Promise<RoomRecord | undefined>;
  listOpenRoomsByHost(hostId: string): Promise<RoomRecord[]>;
  updateRoom(
    id: string,
    patch: Partial<Pick<RoomRecord, 'pinHmac' | 'pinSealed'>>,
  ): Promise<RoomRecord | undefined>;
  /**
   * Closes the room at `at` if it is open, in one step; undefined when it was not. The only way,
   * with closeIfHostAway, to close a room, so every closed room knows when it closed.
   */
  closeRoom(id: string, at: number): Promise<RoomRecord | undefined>;

  /** Records when the host left, unless already recorded; undefined unless the room is open. */
  markHostAway(id: string, at: number): Promise<RoomRecord | undefined>;
  /** The host is back: forgets when it left. */
  clearHostAway(id: string): Promise<void>;
  /** IDs of open rooms whose host has been away since `cutoff` or earlier, at most `limit`. */
  listHostAwaySince(cutoff: number, limit: number): Promise<string[]>;
  /**
   * Closes the room if it is open and its host has been away since `cutoff` or earlier, in one
   * step: of several nodes sweeping at once, only one gets the closed record back.
   */
  closeIfHostAway(id: string, cutoff: number, at: number): Promise<RoomRecord | undefined>;

  /** IDs of rooms closed at `cutoff` or earlier (by `createdAt` if not recorded), at most `limit`. */
  listClosedBefore(cutoff: number, limit: number): Promise<string[]>;
  /**
   * Deletes the room if it closed at `cutoff` or earlier, in one step: of several nodes sweeping
   * at once, only one gets the deleted record back.
   */
  deleteIfClosedBefore(id: string, cutoff: number): Promise<RoomRecord | undefined>;

  /** Waits for pending writes; the store stays usable. */
  flush(): Promise<void>;
}
