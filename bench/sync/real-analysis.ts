import { round, summarize, timeToAlign } from '../lib/stats';

/** A page's playback position `pos` (s) at time `t` (epoch ms, the machine's one clock). */
export interface Point {
  t: number;
  pos: number;
}

export interface Disturbance {
  kind: string;
  /** when the disturbance began and ended, epoch ms */
  at: number;
  until: number;
  /** the guest it affects; all guests when absent */
  guest?: string;
}

/** Between two samples a player moves at most this fast (s per s); faster is a jump. */
const MAX_SPEED = 1.2;

/**
 * The position of a player at `t`, interpolated between the samples around it (sorted by t),
 * or null when they are more than `maxGapMs` apart or the player jumped between them.
 */
export function positionAt(samples: readonly Point[], t: number, maxGapMs: number): number | null {
  let lo = 0;
  let hi = samples.length - 1;
  if (hi < 0) return null;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((samples[mid]?.t ?? Number.POSITIVE_INFINITY) <= t) lo = mid;
    else hi = mid - 1;
  }
  const a = samples[lo];
  const b = samples[lo + 1];
  if (!a || !b || a.t > t || b.t - a.t > maxGapMs) return null;
  const dt = (b.t - a.t) / 1000;
  if (Math.abs(b.pos - a.pos) > dt * MAX_SPEED + 0.005) return null;
  return dt === 0 ? a.pos : a.pos + ((b.pos - a.pos) * (t - a.t)) / (b.t - a.t);
}

/** Guest position minus host position at each guest sample the host's samples cover, s. */
export function errors(
  guest: readonly Point[],
  host: readonly Point[],
  maxGapMs: number,
): Array<{ t: number; error: number }> {
  const out: Array<{ t: number; error: number }> = [];
  for (const g of guest) {
    const h = positionAt(host, g.t, maxGapMs);
    if (h !== null) out.push({ t: g.t, error: g.pos - h });
  }
  return out;
}

/** Whether `t` lies in a disturbance of `guest` or in the `settleMs` after it. */
export function disturbed(
  windows: readonly Disturbance[],
  guest: string,
  t: number,
  settleMs: number,
): boolean {
  return windows.some(
    (w) => (!w.guest || w.guest === guest) && t >= w.at && t < w.until + settleMs,
  );
}

/** The typical change of the error from one sample to the next (ms): the estimate's own noise. */
export function sampleNoiseMs(series: ReadonlyArray<{ error: number }>): number {
  const steps: number[] = [];
  for (let i = 1; i < series.length; i++) {
    const a = series[i - 1];
    const b = series[i];
    if (a && b) steps.push(Math.abs(b.error - a.error) * 1000);
  }
  return round(summarize(steps).p50, 2);
}

/**
 * Time (ms) to align after each of the guest's disturbances from `since` (its join) on:
 * |error| ≤ band held for holdMs; null when it never does before the next one.
 */
export function alignTimes(
  series: ReadonlyArray<{ t: number; error: number }>,
  windows: readonly Disturbance[],
  guest: string,
  since: number,
  end: number,
  band: number,
  holdMs: number,
): Array<{ kind: string; ms: number | null }> {
  const mine = windows.filter((w) => (!w.guest || w.guest === guest) && w.at >= since);
  return mine.map((w, i) => ({
    kind: w.kind,
    ms: timeToAlign([...series], w.until, mine[i + 1]?.at ?? end, band, holdMs),
  }));
}

/**
 * Shares of samples whose error is within half a frame (the same frame on screen at that
 * instant), within one and a half, or more.
 */
export function frameOffsets(
  series: ReadonlyArray<{ error: number }>,
  frameSeconds: number,
): { same: number; one: number; more: number } {
  let same = 0;
  let one = 0;
  for (const x of series) {
    const frames = Math.round(Math.abs(x.error) / frameSeconds);
    if (frames === 0) same += 1;
    else if (frames === 1) one += 1;
  }
  const n = Math.max(1, series.length);
  return {
    same: round(same / n, 3),
    one: round(one / n, 3),
    more: round((series.length - same - one) / n, 3),
  };
}

/**
 * Stalls nobody planned: each time the player waited for data, until its position moved on
 * again, except those within `quietMs` after a planned event (a seek's own brief wait).
 */
export function unplannedStalls(
  waiting: readonly number[],
  positions: readonly Point[],
  planned: readonly number[],
  quietMs: number,
): Disturbance[] {
  const out: Disturbance[] = [];
  for (const t of waiting) {
    if (planned.some((p) => t >= p && t < p + quietMs)) continue;
    if (out.some((d) => t <= d.until)) continue;
    const stuck = positions.find((p) => p.t >= t)?.pos;
    const moved = positions.find((p) => p.t > t && stuck !== undefined && p.pos > stuck + 0.005);
    out.push({ kind: 'unplanned stall', at: t, until: moved?.t ?? t });
  }
  return out;
}

/** Range and number of changes of the rates a page asked for. */
export function rateFigures(rates: ReadonlyArray<readonly [number, number]>): {
  min: number;
  max: number;
  changes: number;
} {
  let min = 1;
  let max = 1;
  let changes = 0;
  let last = 1;
  for (const [, r] of rates) {
    if (r === last) continue;
    changes += 1;
    last = r;
    min = Math.min(min, r);
    max = Math.max(max, r);
  }
  return { min, max, changes };
}
