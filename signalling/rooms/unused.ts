import type { Logger } from '../log';
import type { JoinLock } from '../realtime/keyed-lock';
import type { Limits } from '../security/limits';
import type { Store } from '../store/types';
import type { RoomNotifier } from './notifier';
import { repeatSweep, SWEEP_BATCH, sweepRooms } from './sweep';

const HOUR_MS = 3600 * 1000;
/** The wait counts in hours, so a sweep a minute closes close enough to the time. */
const SWEEP_EVERY_MS = 60_000;

export interface UnusedRoomOptions {
  store: Store;
  limits: Limits;
  notifier: RoomNotifier;
  /** The join lock: the host entering and the sweep closing the room take turns. */
  lock: JoinLock;
  /** Hours a room waits for its host's first visit. */
  hours: number;
  log: Logger;
  now?: () => number;
}

export interface UnusedRoomRule {
  /** Closes the rooms whose host never came in time; resolves with how many this call closed. */
  sweep(): Promise<number>;
  start(): { stop(): Promise<void> };
}

/**
 * A room whose host never entered it closes after ROOM_UNUSED_HOURS, so rooms opened and
 * forgotten (or opened by a script) do not stay open, counted against their host's cap and
 * kept in the store, for ever. The time is on the stored room (`awaitingHostSince`, cleared by
 * the host's first join), so every node sweeps the same rooms and the store's conditional
 * close makes sure one of them closes each room once. Guests waiting in it are told.
 */
export function createUnusedRoomRule(options: UnusedRoomOptions): UnusedRoomRule {
  const { store, limits, notifier, lock, log } = options;
  const now = options.now ?? Date.now;
  const waitMs = options.hours * HOUR_MS;

  const closeIfUnused = (roomId: string, cutoff: number, at: number): Promise<boolean> =>
    lock.run(roomId, async () => {
      // The host is in after all (its first join is finishing): the mark is stale.
      if (await notifier.hostPresent(roomId)) {
        await store.clearAwaitingHost(roomId);
        return false;
      }
      if (!(await store.closeIfAwaitingHost(roomId, cutoff, at))) return false;
      await limits.pinRoom.delete(roomId);
      await notifier.roomClosed(roomId, 'host_never_came');
      log.info({ roomId }, 'room closed: the host never came');
      return true;
    });

  const rule: UnusedRoomRule = {
    sweep() {
      const at = now();
      const cutoff = at - waitMs;
      return sweepRooms(
        store.listAwaitingHostSince(cutoff, SWEEP_BATCH),
        (roomId) => closeIfUnused(roomId, cutoff, at),
        log,
        'closing an unused room failed',
      );
    },
    start: () => repeatSweep(rule.sweep, SWEEP_EVERY_MS, log, 'unused-room sweep failed'),
  };
  return rule;
}
