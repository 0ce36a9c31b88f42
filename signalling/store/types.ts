import type { RoomRecord, SessionRecord, UserRecord } from './records';

export type { RoomRecord, RoomState, SessionRecord, UserRecord } from './records';

export type CreateRoomResult = 'created' | 'id_taken' | 'host_at_limit';

/** Persistent state. Async throughout so a networked store (e.g. Redis) can implement it. */
export interface Store {
  /** Returns false when the username is taken (compared case-insensitively). */
  createUser(user: UserRecord): Promise<boolean>;
  findUserByUsername(username: string): Promise<UserRecord | undefined>;
  findUserById(id: string): Promise<UserRecord | undefined>;

  /**
   * Stores the session and, in the same step, deletes the user's oldest sessions (soonest to
   * expire) beyond `maxPerUser`; resolves with the hashes of those deleted.
   */
  createSession(session: SessionRecord, maxPerUser?: number): Promise<string[]>;
  findSession(tokenHash: string): Promise<SessionRecord | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Removes sessions expired at `now` and returns their hashes. */
  deleteExpiredSessions(now: number): Promise<string[]>;

  /**
   * Creates the room unless its ID is used or its host already has `maxOpenByHost` open rooms,
   * in one step, so concurrent creates cannot overshoot. Counts only the host's own rooms.
   */
  createRoom(room: RoomRecord, maxOpenByHost?: number): Promise<CreateRoomResult>;
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

  /**
   * Bars the account from the room for good, in one step with a check that the room is open;
   * false when it is not. Kept until the room itself is deleted.
   */
  removeFromRoom(roomId: string, userId: string): Promise<boolean>;
  /** Whether the room's host removed this account from it. */
  isRemovedFromRoom(roomId: string, userId: string): Promise<boolean>;

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

  /** The host entered its room for the first time: it no longer waits for its host. */
  clearAwaitingHost(id: string): Promise<void>;
  /** IDs of open rooms still waiting for their host since `cutoff` or earlier, at most `limit`. */
  listAwaitingHostSince(cutoff: number, limit: number): Promise<string[]>;
  /** Closes the room if it is open and has waited for its host since `cutoff` or earlier, once. */
  closeIfAwaitingHost(id: string, cutoff: number, at: number): Promise<RoomRecord | undefined>;

  /** IDs of rooms closed at `cutoff` or earlier (by `createdAt` if not recorded), at most `limit`. */
  listClosedBefore(cutoff: number, limit: number): Promise<string[]>;
  /**
   * Deletes the room, with the accounts removed from it, if it closed at `cutoff` or earlier, in
   * one step: of several nodes sweeping at once, only one gets the deleted record back.
   */
  deleteIfClosedBefore(id: string, cutoff: number): Promise<RoomRecord | undefined>;

  /** Waits for pending writes; the store stays usable. */
  flush(): Promise<void>;
}
