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
  /**
   * |error| (s) under which a playing guest is left alone. Above the noise of a player's
   * position: Chromium's currentTime wanders ±5 ms around the truth while the rate is not 1.
   */
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
  deadBand: 0.01,
  settleBand: 0.004,
  gain: 2,
  maxNudge: 0.05,
  seekThreshold: 0.15,
  pausedTolerance: 0.016,
  seekCooldown: 400,
  landingWindow: 1000,
  landingSeekThreshold: 0.05,
  maxReseeks: 2,
};

/** How many landings the seek delay is the median of: one slow seek on a busy machine is not the rule. */
const LANDINGS = 5;
const MAX_SEEK_DELAY_S = 2;

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
  /** the seek delay (s) the last seek of a playing guest aimed ahead by, until its landing is seen */
  #aimedAhead: number | null = null;
  /** seek delays seen from where seeks landed, newest last */
  #landings: number[] = [];
  seeks = 0;

  constructor(readonly params: DriftParams = DEFAULT_DRIFT_PARAMS) {}

  /**
   * Seconds from asking for a seek to playing on from it: the median of the last landings
   * (where seeks really ended up), or while none is known, the smoothed seek durations.
   */
  get seekDelay(): number {
    if (this.#landings.length === 0) return this.#seekDelay;
    const sorted = [...this.#landings].sort((a, b) => a - b);
    const upper = sorted[sorted.length >> 1] ?? this.#seekDelay;
    const lower = sorted[(sorted.length - 1) >> 1] ?? upper;
    return (lower + upper) / 2;
  }

  /** Report how long (ms) the last seek took from request to `seeked`. */
  seekLanded(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.#seekDelay = 0.7 * this.#seekDelay + 0.3 * Math.min(ms / 1000, MAX_SEEK_DELAY_S);
  }

  update(input: DriftInput): Correction {
    const p = this.params;
    const rate = input.hostRate;
    if (input.now < this.#cooldownUntil) return { kind: 'none', rate };
    const error = input.actual - input.target;
    const size = Math.abs(error);
    this.#learnLanding(error, input);

    if (input.paused) {
      this.#nudging = false;
      if (size <= p.pausedTolerance) return { kind: 'none', rate };
      return this.#seek(input.target, rate, input.now);
    }
    const landing = input.now < this.#landingUntil && this.#reseeks < p.maxReseeks;
    if (size >= (landing ? p.landingSeekThreshold : p.seekThreshold)) {
      this.#nudging = false;
      this.#reseeks = landing ? this.#reseeks + 1 : 0;
      this.#aimedAhead = this.seekDelay;
      return this.#seek(input.target + this.#aimedAhead * rate, rate, input.now);
    }
    if (this.#nudging ? size < p.settleBand : size <= p.deadBand) {
      this.#nudging = false;
      return { kind: 'none', rate };
    }
    this.#nudging = true;
    const nudge = Math.max(-p.maxNudge, Math.min(p.maxNudge, p.gain * error));
    return { kind: 'nudge', rate: rate * (1 - nudge) };
  }

  /**
   * The host jumped (seek, pause, resume, first sync): seek to where it will be when the seek
   * lands. A guest already there (`actual`, s) does not seek: after a pause it rests on the
   * host's frame and just plays on, which costs less than a seek's delay.
   */
  jump(target: number, rate: number, paused: boolean, now: number, actual?: number): Correction {
    this.#nudging = false;
    this.#reseeks = 0;
    const near = paused ? this.params.pausedTolerance : this.params.landingSeekThreshold;
    if (actual !== undefined && Math.abs(actual - target) <= near) return { kind: 'none', rate };
    this.#aimedAhead = paused ? null : this.seekDelay;
    return this.#seek(target + (this.#aimedAhead ?? 0) * rate, rate, now);
  }

  /**
   * The first check after a playing guest's seek shows where it landed: the delay it should
   * have aimed ahead by is what it did aim minus how far ahead it is now. This counts what the
   * `seeked` event does not: Chromium plays on some 40 ms after it.
   */
  #learnLanding(error: number, input: DriftInput): void {
    const aimed = this.#aimedAhead;
    this.#aimedAhead = null;
    if (aimed === null || input.paused || input.hostRate <= 0) return;
    const delay = Math.min(MAX_SEEK_DELAY_S, Math.max(0, aimed - error / input.hostRate));
    this.#landings = [...this.#landings.slice(1 - LANDINGS), delay];
  }

  #seek(position: number, rate: number, now: number): Correction {
    this.seeks += 1;
    this.#cooldownUntil = now + this.params.seekCooldown;
    this.#landingUntil = this.#cooldownUntil + this.params.landingWindow;
    return { kind: 'seek', position: Math.max(0, position), rate };
  }
}
