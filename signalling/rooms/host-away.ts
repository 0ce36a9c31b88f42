import type { Logger } from '../log';
import type { JoinLock } from '../realtime/keyed-lock';
import type { Limits } from '../security/limits';
import type { RoomRecord, Store } from '../store/types';
import type { RoomNotifier } from './notifier';
import { repeatSweep, SWEEP_BATCH, sweepRooms } from './sweep';

/** A sweep at least this often, and often enough that a short grace closes close to its time. */
const SWEEP_MAX_MS = 5000;
const SWEEP_MIN_MS = 250;

export interface HostAwayOptions {
  store: Store;
  limits: Limits;
  notifier: RoomNotifier;
  /** The join lock: a host leaving, a host joining and a sweep closing the room take turns. */
  lock: JoinLock;
  graceSeconds: number;
  log: Logger;
  now?: () => number;
}

export interface HostAwayRule {
  /** When the room closes unless its host comes back (ms since the epoch); null while the host is here. */
  closesAt(room: RoomRecord): number | null;
  /** A connection of the host left the room: if it was the host's last one, the grace starts. */
  hostLeft(roomId: string): Promise<void>;
  /** The host joined: the room waits no longer. */
  hostReturned(roomId: string): Promise<void>;
  /** Closes the rooms whose grace has run out; resolves with how many this call closed. */
  sweep(): Promise<number>;
  /** Sweeps periodically until stopped. */
  start(): { stop(): Promise<void> };
}

/**
 * The rule for a room whose host has gone: guests wait for the grace, the host coming back
 * within it takes over, and past it the room closes by itself. The time the host left is kept in
 * the store, not in a timer, so the rule survives a restart and every node of a cluster sweeps
 * the same rooms; the store's conditional close makes sure one of them closes each room once.
 */
export function createHostAwayRule(options: HostAwayOptions): HostAwayRule {
  const { store, limits, notifier, lock, log } = options;
  const now = options.now ?? Date.now;
  const graceMs = options.graceSeconds * 1000;
  const closesAt = (room: RoomRecord): number | null =>
    room.hostAwaySince === undefined ? null : room.hostAwaySince + graceMs;

  /** Under the room's lock, so a host joining meanwhile is seen here or clears the mark after. */
  const closeIfAbandoned = (roomId: string, cutoff: number, at: number): Promise<boolean> =>
    lock.run(roomId, async () => {
      // A mark whose host is here after all (e.g. its node died mid-leave) is stale, not due.
      if (await notifier.hostPresent(roomId)) {
        await store.clearHostAway(roomId);
        return false;
      }
      const room = await store.closeIfHostAway(roomId, cutoff, at);
      if (!room) return false;
      await limits.pinRoom.delete(roomId);
      await notifier.roomClosed(roomId, 'host_did_not_return');
      log.info({ roomId }, 'room closed: the host did not return');
      return true;
    });

  const rule: HostAwayRule = {
    closesAt,

    hostLeft: (roomId) =>
      lock.run(roomId, async () => {
        if (await notifier.hostPresent(roomId)) return;
        const room = await store.markHostAway(roomId, now());
        const deadline = room && closesAt(room);
        if (!deadline) return;
        log.info({ roomId, closesAt: new Date(deadline).toISOString() }, 'host away');
        await notifier.hostAway(roomId, deadline);
      }),

    hostReturned: (roomId) => store.clearHostAway(roomId),

    sweep() {
      const at = now();
      const cutoff = at - graceMs;
      return sweepRooms(
        store.listHostAwaySince(cutoff, SWEEP_BATCH),
        (roomId) => closeIfAbandoned(roomId, cutoff, at),
        log,
        'closing an abandoned room failed',
      );
    },

    start: () =>
      repeatSweep(
        rule.sweep,
        Math.min(SWEEP_MAX_MS, Math.max(SWEEP_MIN_MS, graceMs / 4)),
        log,
        'host-away sweep failed',
      ),
  };
  return rule;
}
