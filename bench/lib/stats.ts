/** Summary statistics shared by the benchmarks. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Time (ms) from `from` until |error| first stays within `band` for `holdMs`, or null when it
 * never does before `until`. Samples must be sorted by time.
 */
export function timeToAlign(
  samples: Array<{ t: number; error: number }>,
  from: number,
  until: number,
  band: number,
  holdMs = 1000,
): number | null {
  let start: number | null = null;
  for (const s of samples) {
    if (s.t < from) continue;
    if (s.t > until) break;
    if (Math.abs(s.error) <= band) {
      start ??= s.t;
      if (s.t - start >= holdMs) return start - from;
    } else {
      start = null;
    }
  }
  return null;
}

/** A summary rounded to 0.1 for printing and the results files. */
export function figures(values: number[]): Summary {
  const s = summarize(values);
  return {
    n: s.n,
    p50: round(s.p50, 1),
    p90: round(s.p90, 1),
    p95: round(s.p95, 1),
    p99: round(s.p99, 1),
    max: round(s.max, 1),
  };
}
