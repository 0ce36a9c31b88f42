import type { Cue } from './cue';

/** Cues sorted by start, with each prefix's latest end, for lookups by time. */
export interface Track {
  readonly cues: readonly Cue[];
  /** latestEnd[i]: the latest `end` among cues[0..i]. */
  readonly latestEnd: readonly number[];
}

/** A track of `cues`, sorted by start here whatever order they came in. */
export function makeTrack(cues: readonly Cue[]): Track {
  const sorted = [...cues].sort((a, b) => a.start - b.start);
  const latestEnd: number[] = [];
  let latest = Number.NEGATIVE_INFINITY;
  for (const cue of sorted) {
    latest = Math.max(latest, cue.end);
    latestEnd.push(latest);
  }
  return { cues: sorted, latestEnd };
}

/**
 * The text on show at `time` (s): every cue with start <= time < end, in start order, one per
 * line; '' when none. A binary search finds the last cue started by then, and the walk back
 * stops where no earlier cue lasts until `time`, so overlapping cues show together.
 */
export function textAt(track: Track, time: number): string {
  const { cues, latestEnd } = track;
  let low = 0;
  let high = cues.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((cues[mid]?.start ?? 0) <= time) low = mid + 1;
    else high = mid;
  }
  const shown: string[] = [];
  for (let i = low - 1; i >= 0 && (latestEnd[i] ?? 0) > time; i -= 1) {
    const cue = cues[i];
    if (cue && cue.end > time) shown.push(cue.text);
  }
  return shown.reverse().join('\n');
}
