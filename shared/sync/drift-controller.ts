/** What a guest's player should do now. `rate` is always the playback rate to set. */
export type Correction =
  | { kind: 'none'; rate: number }
  | { kind: 'nudge'; rate: number }
  | { kind: 'seek'; position: number; rate: number };

export interface DriftInput {
  /** the guest player's position, seconds */
  actual: number;
  /** where the host is now, seconds (see targetPosition) */
  target: number;
  hostRate: number;
  paused: boolean;
  /** local clock, ms */
  now: number;
}

export interface DriftParams {
  /** |error| (s) under which a playing guest is left alone */
  deadBand: number;
  /** once nudging, keep going until |error| (s) falls below this, so the rate does not flap at the band's edge */
  settleBand: number;
  /** rate offset per second of error (1/s); with corrections every 250 ms, below 4 never overshoots */
  gain: number;
  /** largest relative rate change, e.g. 0.05 for ±5 % */
  maxNudge: number;
  /** |error| (s) from which a playing guest seeks instead of nudging */
  seekThreshold: number;
  /** |error| (s) a paused guest may rest away from the host before it seeks */
  pausedTolerance: number;
  /** after a seek, no correction for this long (ms): the player's position is not yet meaningful */
  seekCooldown: number;
  /**
   * Right after a seek the picture has just jumped, so a second, small seek is not noticed: for
   * `landingWindow` ms after the cooldown, errors from `landingSeekThreshold` (s) are seeked
   * away too, at most `maxReseeks` times in a row, instead of being nudged for seconds.
   */
  landingWindow: number;
  landingSeekThreshold: number;
  maxReseeks: number;
}

export const DEFAULT_DRIFT_PARAMS: DriftParams = {
  deadBand: 0.003,
  settleBand: 0.001,
  gain: 2,
  maxNudge: 0.05,
  seekThreshold: 0.15,
  pausedTolerance: 0.016,
  seekCooldown: 400,
  landingWindow: 1000,
  landingSeekThreshold: 0.05,
  maxReseeks: 2,
};

/**
 * Keeps a guest's player on the host's timeline: nothing inside a dead band, a playback-rate
 * nudge proportional to the error (capped) above it, and a seek that aims ahead by the seek's
 * own measured delay only for errors a nudge would take too long to absorb.
 */
export class DriftController {
  #nudging = false;
  #cooldownUntil = Number.NEGATIVE_INFINITY;
  #landingUntil = Number.NEGATIVE_INFINITY;
  #reseeks = 0;
  /** seconds a seek takes to land, smoothed; the first guess is refined by seekLanded() */
  #seekDelay = 0.08;
  seeks = 0;

  constructor(readonly params: DriftParams = DEFAULT_DRIFT_PARAMS) {}

  get seekDelay(): number {
    return this.#seekDelay;
  }

  /** Report how long (ms) the last seek took from request to `seeked`. */
  seekLanded(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.#seekDelay = 0.7 * this.#seekDelay + 0.3 * Math.min(ms / 1000, 2);
  }

  update(input: DriftInput): Correction {
    const p = this.params;
    const rate = input.hostRate;
    if (input.now < this.#cooldownUntil) return { kind: 'none', rate };
    const error = input.actual - input.target;
    const size = Math.abs(error);

    if (input.paused) {
      this.#nudging = false;
      if (size <= p.pausedTolerance) return { kind: 'none', rate };
      return this.#seek(input.target, rate, input.now);
    }
    const landing = input.now < this.#landingUntil && this.#reseeks < p.maxReseeks;
    if (size >= (landing ? p.landingSeekThreshold : p.seekThreshold)) {
      this.#nudging = false;
      this.#reseeks = landing ? this.#reseeks + 1 : 0;
      return this.#seek(input.target + this.#seekDelay * rate, rate, input.now);
    }
    if (this.#nudging ? size < p.settleBand : size <= p.deadBand) {
      this.#nudging = false;
      return { kind: 'none', rate };
    }
    this.#nudging = true;
    const nudge = Math.max(-p.maxNudge, Math.min(p.maxNudge, p.gain * error));
    return { kind: 'nudge', rate: rate * (1 - nudge) };
  }

  /** The host jumped (seek, resume, first sync): seek to where it will be when the seek lands. */
  jump(target: number, rate: number, paused: boolean, now: number): Correction {
    this.#nudging = false;
    this.#reseeks = 0;
    return this.#seek(paused ? target : target + this.#seekDelay * rate, rate, now);
  }

  #seek(position: number, rate: number, now: number): Correction {
    this.seeks += 1;
    this.#cooldownUntil = now + this.params.seekCooldown;
    this.#landingUntil = this.#cooldownUntil + this.params.landingWindow;
    return { kind: 'seek', position: Math.max(0, position), rate };
  }
}
