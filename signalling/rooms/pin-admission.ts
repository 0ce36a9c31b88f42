import type { ErrorCode } from '../../shared/errors';
import type { Logger } from '../log';
import {
  DAY_SECONDS,
  type Limits,
  refund,
  spent,
  type Taken,
  take,
  waitText,
} from '../security/limits';
import type { RoomRecord } from '../store/types';
import type { RoomNotifier } from './notifier';

/** One try at a room's PIN, by a signed-in user from an address. */
export interface PinAttempt {
  roomId: string;
  pin: string;
  userId: string;
  address: string;
}

export type Admission =
  | { ok: true; room: RoomRecord; isHost: boolean }
  | {
      ok: false;
      code: Extract<
        ErrorCode,
        'room_not_found' | 'room_closed' | 'wrong_pin' | 'rate_limited' | 'removed'
      >;
      message: string;
    };

export interface PinAdmission {
  /** Judges a PIN within the four budgets; a wrong one is reported to the room's host. */
  admit(attempt: PinAttempt): Promise<Admission>;
  /** Wrong PINs in the room's current window, which a host entering the room is told. */
  failures(roomId: string): Promise<number>;
}

export interface PinAdmissionDeps {
  limits: Limits;
  find(roomId: string): Promise<RoomRecord | undefined>;
  pinMatches(room: RoomRecord, pin: string): boolean;
  /** Whether the room's host removed this account from it. */
  isRemoved(roomId: string, userId: string): Promise<boolean>;
  notifier: RoomNotifier;
  log: Logger;
}

export const REMOVED_MESSAGE = 'the host removed you from this room; you cannot join it again';

function tooMany(...budgets: Taken[]): Admission {
  const wait = Math.max(1, ...budgets.map((b) => (b.ok ? 0 : b.retryAfterSeconds)));
  return {
    ok: false,
    code: 'rate_limited',
    message: `too many wrong PINs; try again in ${waitText(wait)}`,
  };
}

/**
 * Checks the PIN against four budgets: the room's per window and per day, the user's and the
 * address's. Each attempt is counted before it is judged and refunded when it succeeds, so
 * parallel guesses cannot overrun a budget. The host's join to its own room touches no budget
 * at all; strangers spending a room's budget do not lock out anyone who already joined with the
 * current PIN either: they know it already, so letting them retry reveals nothing. An account
 * the host removed is refused whatever PIN it brings. An unknown room ID costs the person's
 * budgets, since guessing IDs is guessing too.
 */
export function createPinAdmission(deps: PinAdmissionDeps): PinAdmission {
  const { limits, notifier, log } = deps;
  const wrongPin: Admission = { ok: false, code: 'wrong_pin', message: 'wrong PIN' };
  return {
    async admit({ roomId, pin, userId, address }) {
      const room = await deps.find(roomId);
      if (room?.state === 'open') {
        // The host's own room: the host can read its PIN in its room list, so there is nothing
        // to guess, and no budget is spent or consulted, whoever else has spent them.
        if (room.hostId === userId) {
          return deps.pinMatches(room, pin) ? { ok: true, room, isHost: true } : wrongPin;
        }
        // Before any PIN is judged: a removed account learns nothing it did not know.
        if (await deps.isRemoved(roomId, userId)) {
          return { ok: false, code: 'removed', message: REMOVED_MESSAGE };
        }
      }
      const byUser = await take(limits.pinUser, userId);
      if (!byUser.ok) return tooMany(byUser);
      const byIp = await take(limits.pinIp, address);
      if (!byIp.ok) return tooMany(byIp);
      const refundPerson = () =>
        Promise.all([refund(limits.pinUser, userId), refund(limits.pinIp, address)]);

      if (!room) return { ok: false, code: 'room_not_found', message: 'no room has that ID' };
      if (room.state === 'closed') {
        await refundPerson();
        return { ok: false, code: 'room_closed', message: 'that room has been closed' };
      }
      // Bound to the PIN's HMAC, so a rotation forgets everyone who knew the old PIN.
      const knownKey = `${roomId}:${userId}:${room.pinHmac}`;
      // Together: with Redis each is a round trip.
      const [known, byRoom, byDay] = await Promise.all([
        limits.pinKnown.get(knownKey),
        take(limits.pinRoom, roomId),
        take(limits.pinRoomDay, roomId),
      ]);
      const refundRoom = () =>
        Promise.all([
          byRoom.ok ? refund(limits.pinRoom, roomId) : undefined,
          byDay.ok ? refund(limits.pinRoomDay, roomId) : undefined,
        ]);
      if (known === null && (!byRoom.ok || !byDay.ok)) {
        await Promise.all([refundPerson(), refundRoom()]);
        return tooMany(byRoom, byDay);
      }
      if (!deps.pinMatches(room, pin)) {
        const failed = await spent(limits.pinRoom, roomId);
        await notifier.pinAttempts(roomId, room.hostId, failed);
        log.info({ roomId, userId, failed }, 'wrong pin');
        return wrongPin;
      }
      await Promise.all([
        refundPerson(),
        refundRoom(),
        limits.pinKnown.set(knownKey, 1, DAY_SECONDS),
      ]);
      return { ok: true, room, isHost: false };
    },

    failures: (roomId) => spent(limits.pinRoom, roomId),
  };
}
