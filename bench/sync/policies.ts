import {
  type Correction,
  DEFAULT_DRIFT_PARAMS,
  DriftController,
  type DriftInput,
  type DriftParams,
  type GuestPlayerState,
} from '../../shared/sync/drift-controller';

/** A drift-correction policy as the simulation drives it: asked every `intervalMs`. */
export interface Policy {
  readonly name: string;
  readonly intervalMs: number;
  decide(input: DriftInput): Correction;
  seekLanded(ms: number): void;
  /**
   * What to do when the host jumps, by the guest player's state: ours does nothing when
   * already there and otherwise holds a frame ahead to start on time, the others seek to the target.
   */
  jump(input: DriftInput, guest: GuestPlayerState): Correction;
  /** For a 'start': ms to hold the frame at `position` before playing, null when too late. */
  startIn?(position: number, target: number, rate: number): number | null;
  /** Another start after one whose seek came too late. */
  restart?(input: DriftInput): Correction;
  /** A start's play() at `now`. */
  started?(now: number): void;
}

const plainJump = (i: DriftInput): Correction => ({
  kind: 'seek',
  position: i.target,
  rate: i.hostRate,
});

/** LiveConnect's controller (shared/sync/drift-controller.ts), checked four times a second. */
export function liveConnect(params: DriftParams = DEFAULT_DRIFT_PARAMS): Policy {
  const c = new DriftController(params);
  return {
    name: 'LiveConnect',
    intervalMs: 250,
    decide: (i) => c.update(i),
    seekLanded: (ms) => c.seekLanded(ms),
    jump: (input, guest) => c.jump(input, guest),
    startIn: (position, target, rate) => c.startIn(position, target, rate),
    restart: (input) => c.restart(input),
    started: (now) => c.started(now),
  };
}

/**
 * Syncplay's published defaults: slow to 0.95x when more than 1.5 s ahead until within 0.1 s,
 * rewind when more than 4 s ahead, fast-forward when more than 5 s behind. Checked once a
 * second, as its state updates arrive.
 */
export function syncplay(): Policy {
  let slowing = false;
  return {
    name: 'Syncplay',
    intervalMs: 1000,
    decide({ actual, target, hostRate, paused }) {
      const ahead = actual - target;
      if (paused) {
        slowing = false;
        return Math.abs(ahead) > 0.1
          ? { kind: 'seek', position: target, rate: hostRate }
          : { kind: 'none', rate: hostRate };
      }
      if (ahead > 4 || ahead < -5) {
        slowing = false;
        return { kind: 'seek', position: target, rate: hostRate };
      }
      if (ahead > 1.5) slowing = true;
      if (slowing && ahead < 0.1) slowing = false;
      return slowing ? { kind: 'nudge', rate: hostRate * 0.95 } : { kind: 'none', rate: hostRate };
    },
    seekLanded() {},
    jump: plainJump,
  };
}

/**
 * Jellyfin SyncPlay: for a gap of 60 ms–3 s, play at 1 + gap / 1 s for one second
 * (speed-to-sync); skip-to-sync (seek) at 400 ms or more when speed-to-sync does not apply.
 * Checked on every time update (about 250 ms).
 */
export function jellyfin(): Policy {
  let holdUntil = Number.NEGATIVE_INFINITY;
  let held = 1;
  return {
    name: 'Jellyfin SyncPlay',
    intervalMs: 250,
    decide({ actual, target, hostRate, paused, now }) {
      if (now < holdUntil) return { kind: 'nudge', rate: held };
      const behind = target - actual;
      const gap = Math.abs(behind);
      if (paused)
        return gap > 0.1
          ? { kind: 'seek', position: target, rate: hostRate }
          : { kind: 'none', rate: hostRate };
      if (gap >= 0.06 && gap < 3) {
        held = hostRate * (1 + behind / 1);
        holdUntil = now + 1000;
        return { kind: 'nudge', rate: held };
      }
      if (gap >= 0.4) return { kind: 'seek', position: target, rate: hostRate };
      return { kind: 'none', rate: hostRate };
    },
    seekLanded() {},
    jump: plainJump,
  };
}

/** WatchParty: when more than 0.5 s behind, speed up by delta / 10, at most 1.1x; never seeks by itself. */
export function watchParty(): Policy {
  return {
    name: 'WatchParty',
    intervalMs: 1000,
    decide({ actual, target, hostRate, paused }) {
      const behind = target - actual;
      if (paused) return { kind: 'none', rate: hostRate };
      if (behind > 0.5) return { kind: 'nudge', rate: hostRate * Math.min(1.1, 1 + behind / 10) };
      return { kind: 'none', rate: hostRate };
    },
    seekLanded() {},
    jump: plainJump,
  };
}

export const POLICIES = [liveConnect, syncplay, jellyfin, watchParty];
