import type { Logger } from '../log';
import type { Limits } from '../security/limits';
import type { Store } from '../store/types';
import { repeatSweep, SWEEP_BATCH, sweepRooms } from './sweep';

const DAY_MS = 24 * 3600 * 1000;
/** Retention counts in days, so a sweep a minute deletes close enough to the time. */
const SWEEP_EVERY_MS = 60_000;

export interface RetentionOptions {
  store: Store;
  limits: Limits;
  /** Days a closed room is kept; 0 deletes it at the next sweep. */
  retentionDays: number;
  log: Logger;
  now?: () => number;
}

export interface RetentionRule {
  /** Deletes the rooms closed longer ago than the retention; resolves with how many this call deleted. */
  sweep(): Promise<number>;
  /** Sweeps periodically until stopped. */
  start(): { stop(): Promise<void> };
}

/**
 * Closed rooms are deleted once the retention has passed, so room names and host IDs do not
 * outlive their use and lowdb's file, rewritten whole on every write, stays small. Every node
 * sweeps; the store's conditional delete makes sure one of them deletes each room once.
 * A deleted room's ID is unknown again: joins get room_not_found, as for any unknown ID.
 */
export function createRetentionRule(options: RetentionOptions): RetentionRule {
  const { store, limits, log } = options;
  const now = options.now ?? Date.now;
  const retentionMs = options.retentionDays * DAY_MS;

  const purge = async (roomId: string, cutoff: number): Promise<boolean> => {
    if (!(await store.deleteIfClosedBefore(roomId, cutoff))) return false;
    // Keyed by room ID: an ID free again must not inherit a spent budget.
    await Promise.all([limits.pinRoom.delete(roomId), limits.pinRoomDay.delete(roomId)]);
    log.info({ roomId }, 'closed room deleted');
    return true;
  };

  const rule: RetentionRule = {
    sweep() {
      const cutoff = now() - retentionMs;
      return sweepRooms(
        store.listClosedBefore(cutoff, SWEEP_BATCH),
        (roomId) => purge(roomId, cutoff),
        log,
        'deleting a closed room failed',
      );
    },
    start: () => repeatSweep(rule.sweep, SWEEP_EVERY_MS, log, 'retention sweep failed'),
  };
  return rule;
}
