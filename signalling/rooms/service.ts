import type { Room, User } from '../../shared/http';
import type { Logger } from '../log';
import type { Limits } from '../security/limits';
import type { RoomRecord, Store } from '../store/types';
import { createHostAwayRule, type HostAwayOptions, type HostAwayRule } from './host-away';
import { generatePin, generateRoomId } from './ids';
import type { RoomNotifier } from './notifier';
import { createPinAdmission, type PinAdmission } from './pin-admission';
import type { PinVault } from './pin-secret';

/** Someone else's room is "not found" too, so a caller cannot probe which IDs exist. */
export type HostAction<T> = { ok: true; value: T } | { ok: false; code: 'room_not_found' };

/** The host already has as many open rooms as one account may (ROOMS_PER_USER). */
export class TooManyRooms extends Error {
  constructor(readonly max: number) {
    super(`already ${max} open rooms`);
  }
}

export interface RoomService {
  /** What happens while a room's host is away, and past the grace. */
  hostAway: HostAwayRule;
  /** Who may enter with which PIN, within the wrong-PIN budgets. */
  admission: PinAdmission;
  create(host: User, name: string | undefined): Promise<Room>;
  listForHost(userId: string): Promise<Room[]>;
  find(roomId: string): Promise<RoomRecord | undefined>;
  /** The host is in its room: it no longer waits to be closed as unused. */
  hostEntered(roomId: string): Promise<void>;
  close(userId: string, roomId: string): Promise<HostAction<null>>;
  /** Bars the account from the room for good; false when the room is not open. */
  removeMember(roomId: string, userId: string): Promise<boolean>;
  isRemoved(roomId: string, userId: string): Promise<boolean>;
  rotatePin(userId: string, roomId: string): Promise<HostAction<Room>>;
}

const ID_ATTEMPTS = 5;

export function createRoomService(
  store: Store,
  vault: PinVault,
  limits: Limits,
  notifier: RoomNotifier,
  log: Logger,
  hostAway: Pick<HostAwayOptions, 'lock' | 'graceSeconds'>,
): RoomService {
  const view = (r: RoomRecord): Room => ({
    id: r.id,
    name: r.name,
    pin: vault.open(r.id, r.pinSealed),
    hostId: r.hostId,
    createdAt: r.createdAt,
  });

  const openRoomOfHost = async (userId: string, roomId: string) => {
    const room = await store.findRoom(roomId);
    if (room?.state !== 'open' || room.hostId !== userId) {
      return { ok: false, code: 'room_not_found' } as const;
    }
    return { ok: true, room } as const;
  };

  return {
    hostAway: createHostAwayRule({ ...hostAway, store, limits, notifier, log }),
    admission: createPinAdmission({
      limits,
      find: (roomId) => store.findRoom(roomId),
      pinMatches: (room, pin) => vault.verify(room.id, pin, room.pinHmac),
      isRemoved: (roomId, userId) => store.isRemovedFromRoom(roomId, userId),
      notifier,
      log,
    }),

    async create(host, name) {
      const max = limits.config.openRoomsPerUser;
      for (let i = 0; i < ID_ATTEMPTS; i += 1) {
        const id = generateRoomId();
        const now = Date.now();
        const record: RoomRecord = {
          id,
          name: name ?? `${host.username}'s room`,
          hostId: host.id,
          createdAt: new Date(now).toISOString(),
          state: 'open',
          awaitingHostSince: now,
          ...vault.seal(id, generatePin()),
        };
        const result = await store.createRoom(record, max);
        if (result === 'host_at_limit') throw new TooManyRooms(max);
        if (result === 'created') {
          log.info({ roomId: id, hostId: host.id }, 'room created');
          return view(record);
        }
      }
      throw new Error('could not find a free room ID');
    },

    async listForHost(userId) {
      return (await store.listOpenRoomsByHost(userId)).map(view);
    },

    find: (roomId) => store.findRoom(roomId),
    hostEntered: (roomId) => store.clearAwaitingHost(roomId),
    removeMember: (roomId, userId) => store.removeFromRoom(roomId, userId),
    isRemoved: (roomId, userId) => store.isRemovedFromRoom(roomId, userId),

    async close(userId, roomId) {
      const found = await openRoomOfHost(userId, roomId);
      if (!found.ok) return found;
      const closed = await store.closeRoom(roomId, Date.now());
      // A sweep may have closed it since: then it is not this host's to close.
      if (!closed) return { ok: false, code: 'room_not_found' };
      await limits.pinRoom.delete(roomId);
      await notifier.roomClosed(roomId, 'closed_by_host');
      log.info({ roomId }, 'room closed');
      return { ok: true, value: null };
    },

    async rotatePin(userId, roomId) {
      const found = await openRoomOfHost(userId, roomId);
      if (!found.ok) return found;
      const updated = await store.updateRoom(roomId, vault.seal(roomId, generatePin()));
      if (!updated) return { ok: false, code: 'room_not_found' };
      // A fresh PIN makes earlier guesses worthless, so the window's budget starts over; the
      // day's does not, or each rotation would buy a guesser more tries per day.
      await limits.pinRoom.delete(roomId);
      await notifier.pinAttempts(roomId, userId, 0);
      log.info({ roomId }, 'pin rotated');
      return { ok: true, value: view(updated) };
    },
  };
}
