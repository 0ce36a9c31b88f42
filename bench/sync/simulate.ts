import { writeFileSync } from 'node:fs';
import { summarize, timeToAlign } from '../lib/stats';
import { POLICIES, type Policy } from './policies';
import { DEFAULT_SCENARIO, disturbancesOf, type Scenario, simulateGuest } from './simulation';

/**
 * Benchmark (b): our drift controller beside re-implementations of published policies, in one
 * deterministic run with clock drift, network jitter, seek latency, a stall and a late joiner.
 */
const ALIGNED = 0.04;
const SETTLE_MS = 3000;

export interface PolicyFigures {
  policy: string;
  steadyErrorMs: { p50: number; p95: number; max: number };
  alignMs: Array<{ kind: string; guest: string; ms: number | null }>;
  rate: { min: number; max: number };
  correctionSeeks: number;
  standaloneSeeks: number;
  audibleRateEpisodes: number;
  rateChanges: number;
  visibleCorrections: number;
}

export function runSimulation(
  policies: Array<() => Policy> = POLICIES,
  s: Scenario = DEFAULT_SCENARIO,
): PolicyFigures[] {
  const disturbances = disturbancesOf(s);
  return policies.map((make) => {
    const steady: number[] = [];
    const align: PolicyFigures['alignMs'] = [];
    let minRate = Number.POSITIVE_INFINITY;
    let maxRate = Number.NEGATIVE_INFINITY;
    let seeks = 0;
    let standalone = 0;
    let audible = 0;
    let rateChanges = 0;
    let name = '';
    s.guests.forEach((g, i) => {
      const policy = make();
      name = policy.name;
      const r = simulateGuest(s, g, policy, s.seed + i);
      seeks += r.correctionSeeks;
      rateChanges += r.rateChanges;
      standalone += r.standaloneSeeks;
      const mine = disturbances
        .filter((d) => !d.guest || d.guest === g.name)
        .filter((d) => d.at >= g.joinAt);
      let wasAudible = false;
      for (const x of r.trace) {
        if (x.forced) continue;
        minRate = Math.min(minRate, x.rate);
        maxRate = Math.max(maxRate, x.rate);
        const isAudible = Math.abs(x.rate - 1) > 0.05 + 1e-9;
        if (isAudible && !wasAudible) audible += 1;
        wasAudible = isAudible;
        const settling = disturbances.some(
          (d) => (!d.guest || d.guest === g.name) && x.t >= d.at && x.t < d.until + SETTLE_MS,
        );
        if (!settling) steady.push(Math.abs(x.error) * 1000);
      }
      mine.forEach((d, k) => {
        const next = mine[k + 1]?.at ?? s.durationMs;
        align.push({
          kind: d.kind,
          guest: g.name,
          ms: timeToAlign(r.trace, d.until, next, ALIGNED),
        });
      });
    });
    const audibleRateEpisodes = audible;
    const e = summarize(steady);
    return {
      policy: name,
      steadyErrorMs: { p50: e.p50, p95: e.p95, max: e.max },
      alignMs: align,
      rate: { min: minRate, max: maxRate },
      correctionSeeks: seeks,
      standaloneSeeks: standalone,
      audibleRateEpisodes,
      visibleCorrections: standalone + audibleRateEpisodes,
      rateChanges,
    };
  });
}

const fmt = (n: number | null) => (n === null ? 'never' : Number.isFinite(n) ? n.toFixed(1) : '–');

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = runSimulation();
  console.log(
    'Sync simulation: 3 guests + 1 late joiner, 90 s, drift ±120 ppm, net 10–40 ms, seeks 60–250 ms + 30–60 ms to play on, position read ±5 ms off while nudged',
  );
  console.log(
    'policy               |err| p50  p95    max (ms)  worst align (ms)  rates          seeks  audible  visible  rate changes',
  );
  for (const f of figures) {
    const worst = f.alignMs.reduce<number | null>(
      (w, a) => (a.ms === null || w === null ? null : Math.max(w, a.ms)),
      0,
    );
    console.log(
      `${f.policy.padEnd(20)} ${fmt(f.steadyErrorMs.p50).padStart(8)} ${fmt(f.steadyErrorMs.p95).padStart(6)} ${fmt(f.steadyErrorMs.max).padStart(8)}  ${fmt(worst).padStart(16)}  ${f.rate.min.toFixed(3)}–${f.rate.max.toFixed(3)}  ${String(f.correctionSeeks).padStart(5)}  ${String(f.audibleRateEpisodes).padStart(7)}  ${String(f.visibleCorrections).padStart(7)}  ${String(f.rateChanges).padStart(12)}`,
    );
  }
  writeFileSync(
    new URL('../results/sync-simulation.json', import.meta.url),
    `${JSON.stringify({ scenario: DEFAULT_SCENARIO, alignedBandMs: ALIGNED * 1000, settleMs: SETTLE_MS, figures }, null, 2)}\n`,
  );
}
