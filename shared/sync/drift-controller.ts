/**
 * What a guest's player should do now. `rate` is always the playback rate to set.
 * seek: the host is paused; rest at `position`.
 * start: the host plays; pause, seek to `position` (ahead of the host by more than a seek takes),
 * hold that frame and play when the host reaches it (DriftController.startIn), so the picture
 * lands on the host's instead of wherever a playing seek happens to end up.
 */
export type Correction =
  | { kind: 'none'; rate: number }
  | { kind: 'nudge'; rate: number }
  | { kind: 'seek'; position: number; rate: number }
  | StartCorrection;

export type StartCorrection = { kind: 'start'; position: number; rate: number };

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

/** What the guest's player is doing when the host jumps. */
export interface GuestPlayerState {
  /** paused now (resting on a frame), so it is "there" only within a frame */
  paused: boolean;
  /** waiting for data: a paused one could not start at once */
  buffering?: boolean;
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
  /** |error| (s) from which a playing guest starts again (a held-frame seek) instead of nudging */
  seekThreshold: number;
  /** |error| (s) a paused guest may rest away from the host before it seeks */
  pausedTolerance: number;
  /** after a seek or a start's play(), no correction for this long (ms): the position is not yet meaningful */
  seekCooldown: number;
  /**
   * Right after a seek or start the picture has just jumped, so another small one is not
   * noticed: for `landingWindow` ms after the cooldown, errors from `landingSeekThreshold` (s)
   * get another start too, at most `maxReseeks` times in a row, instead of seconds of nudging.
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

/** How many seeks (and starts) the learned figures are the median of: one slow one is not the rule. */
const RECENT = 5;
const MAX_SEEK_S = 2;
/**
 * A start holds a frame this far ahead of the host at least (s): some time to spare after the
 * seek even when seeks are quick, short enough that a held picture is not noticed as one.
 */
const MIN_LEAD_S = 0.1;
const MAX_LEAD_S = 2;
/** The first guess at how long a seek takes, before this player has done one (s). */
const FIRST_SEEK_S = 0.12;
/**
 * The first guess at how long a player takes from play() on a held frame to a moving picture (s):
 * 75–90 ms in Chromium 156 on the benchmark machine (bench:sync:real), learned per player after.
 */
const FIRST_START_LAG_S = 0.08;
const MAX_START_LAG_S = 0.25;
/**
 * A start this late (ms) still plays at once: 20 ms behind is nudged away in under half a
 * second, while another start costs a seek and a hold.
 */
const LATE_TOLERANCE_MS = 20;

/** The median of a short list (mean of the middle two for an even count). */
function median(values: readonly number[], fallback: number): number {
  if (values.length === 0) return fallback;
  const sorted = [...values].sort((a, b) => a - b);
  const upper = sorted[sorted.length >> 1] ?? fallback;
  const lower = sorted[(sorted.length - 1) >> 1] ?? upper;
  return (lower + upper) / 2;
}

/**
 * Keeps a guest's player on the host's timeline: nothing inside a dead band, a playback-rate
 * nudge proportional to the error (capped) above it, and for errors a nudge would take too long
 * to absorb a start: hold the frame the host will show a little later and play as it gets there.
 * It learns how long this player's seeks take (for how far ahead to hold) and how long its
 * picture takes to move after play() (to play that much early).
 */
export class DriftController {
  #nudging = false;
  #cooldownUntil = Number.NEGATIVE_INFINITY;
  #landingUntil = Number.NEGATIVE_INFINITY;
  #reseeks = 0;
  /** seek durations (s), newest last */
  #seekTimes: number[] = [];
  /** start lags (s) learned from where starts ended up, newest last */
  #startLags: number[] = [];
  /** starts in a row whose seek landed after the host had passed the held frame */
  #late = 0;
  /** the start lag (s) the last start played early by, until its result is seen */
  #startedWith: number | null = null;
  seeks = 0;

  constructor(readonly params: DriftParams = DEFAULT_DRIFT_PARAMS) {}

  /** Seconds a seek takes from request to a shown frame: the median of the last ones. */
  get seekTime(): number {
    return median(this.#seekTimes, FIRST_SEEK_S);
  }

  /** Seconds from play() to a moving picture, as learned from where starts ended up. */
  get startLag(): number {
    return median(this.#startLags, FIRST_START_LAG_S);
  }

  /**
   * How far ahead of the host a start holds its frame (s): its start lag (play() is called that
   * much early) and twice a typical seek, and a little. A start whose seek came too late (it had
   * to fetch) is tried again; its seek counts in the median, so a player whose seeks are all
   * slow holds far enough ahead after a few.
   */
  get lead(): number {
    const lead = this.startLag + 2 * this.seekTime + 0.04;
    return Math.min(MAX_LEAD_S, Math.max(MIN_LEAD_S, lead));
  }

  /** Report how long (ms) the last seek took from request to `seeked`. */
  seekLanded(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.#seekTimes = [...this.#seekTimes.slice(1 - RECENT), Math.min(ms / 1000, MAX_SEEK_S)];
  }

  /**
   * Another start right after one whose seek came too late (`startIn` said null): that seek
   * fetched the data around there, so this one should be as quick as a seek into data at hand
   * (the quickest recent one, or the first guess for a new player); if it is late too, the
   * next allows as long as the last seek took.
   */
  restart(input: DriftInput): StartCorrection {
    const last = this.#seekTimes.at(-1) ?? FIRST_SEEK_S;
    const seek = this.#late > 1 ? last : Math.min(FIRST_SEEK_S, ...this.#seekTimes);
    const lead = Math.min(MAX_LEAD_S, Math.max(MIN_LEAD_S, this.startLag + 2 * seek + 0.04));
    return this.#seek('start', input.target + lead * input.hostRate, input.hostRate, input.now);
  }

  /**
   * A start's frame is held at `position`: ms to wait before play() so the picture moves off it
   * as the host passes it, or null when the host (at `target` now) is already past it: the start
   * came too late and must be made again.
   */
  startIn(position: number, target: number, rate: number): number | null {
    const wait = ((position - target) / rate - this.startLag) * 1000;
    if (wait >= -LATE_TOLERANCE_MS) return Math.max(0, wait);
    this.#late += 1;
    return null;
  }

  /** play() was called for a start at `now` (ms): corrections wait until the picture settles. */
  started(now: number): void {
    this.#late = 0;
    this.#startedWith = this.startLag;
    this.#cooldownUntil = now + this.params.seekCooldown;
    this.#landingUntil = this.#cooldownUntil + this.params.landingWindow;
  }

  update(input: DriftInput): Correction {
    const p = this.params;
    const rate = input.hostRate;
    if (input.now < this.#cooldownUntil) return { kind: 'none', rate };
    const error = input.actual - input.target;
    const size = Math.abs(error);
    this.#learnStartLag(error, input);

    if (input.paused) {
      this.#nudging = false;
      if (size <= p.pausedTolerance) return { kind: 'none', rate };
      return this.#seek('seek', input.target, rate, input.now);
    }
    const landing = input.now < this.#landingUntil && this.#reseeks < p.maxReseeks;
    if (size >= (landing ? p.landingSeekThreshold : p.seekThreshold)) {
      this.#nudging = false;
      this.#reseeks = landing ? this.#reseeks + 1 : 0;
      return this.#seek('start', input.target + this.lead * rate, rate, input.now);
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
   * The host jumped (seek, pause, resume, first sync), or this guest must catch up at once (back
   * from a stall, a start that came too late). A guest already there does not seek: after a
   * pause it rests on the host's frame and just plays on, which is quicker than any seek.
   */
  jump(input: DriftInput, guest: GuestPlayerState): Correction {
    this.#nudging = false;
    this.#reseeks = 0;
    const p = this.params;
    const rate = input.hostRate;
    const resting = guest.paused;
    const near = input.paused || resting ? p.pausedTolerance : p.landingSeekThreshold;
    // A resting player without data would start late by however long the data takes: a start
    // waits for it on a held frame instead.
    const canPlayOn = input.paused || !resting || !guest.buffering;
    if (canPlayOn && Math.abs(input.actual - input.target) <= near) {
      // A resting guest plays on from here: its picture's start-up (a leap, then standing) is
      // not drift, so nothing is corrected until it settles.
      if (resting && !input.paused) this.#cooldownUntil = input.now + p.seekCooldown;
      return { kind: 'none', rate };
    }
    if (input.paused) return this.#seek('seek', input.target, rate, input.now);
    return this.#seek('start', input.target + this.lead * rate, rate, input.now);
  }

  /**
   * The first check after a start shows how early it should have played: the lag it played
   * early by, plus however far behind the host it is now.
   */
  #learnStartLag(error: number, input: DriftInput): void {
    const used = this.#startedWith;
    this.#startedWith = null;
    if (used === null || input.paused || input.hostRate <= 0) return;
    const lag = Math.min(MAX_START_LAG_S, Math.max(0, used - error / input.hostRate));
    this.#startLags = [...this.#startLags.slice(1 - RECENT), lag];
  }

  #seek<K extends 'seek' | 'start'>(
    kind: K,
    position: number,
    rate: number,
    now: number,
  ): { kind: K; position: number; rate: number } {
    this.seeks += 1;
    this.#cooldownUntil = now + this.params.seekCooldown;
    this.#landingUntil = this.#cooldownUntil + this.params.landingWindow;
    return { kind, position: Math.max(0, position), rate };
  }
}
