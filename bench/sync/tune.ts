import { DEFAULT_DRIFT_PARAMS, type DriftParams } from '../../shared/sync/drift-controller';
import { summarize } from '../lib/stats';
import { liveConnect } from './policies';
import { runSimulation } from './simulate';
import { DEFAULT_SCENARIO } from './simulation';

/**
 * Sweeps the controller's dead band and seek threshold over the simulation, each over the same
 * SEEDS scenarios (one seed decides every latency and jitter, so one alone is luck); prints the
 * median over seeds of each figure, and the largest worst-case alignment.
 */
const SEEDS = Array.from({ length: 12 }, (_, i) => (i + 1) * 7919);

function sweep(params: DriftParams) {
  const runs = SEEDS.map((seed) => {
    const [f] = runSimulation([() => liveConnect(params)], { ...DEFAULT_SCENARIO, seed });
    if (!f) throw new Error('no figures');
    const align = f.alignMs.map((a) => a.ms ?? Number.POSITIVE_INFINITY);
    return {
      p95: f.steadyErrorMs.p95,
      worst: Math.max(...align),
      mean: align.reduce((a, b) => a + b, 0) / align.length,
      seeks: f.correctionSeeks,
      rateChanges: f.rateChanges,
    };
  });
  const median = (pick: (r: (typeof runs)[number]) => number) =>
    summarize(runs.map(pick)).p50.toFixed(0).padStart(6);
  return `${median((r) => r.p95)} ${median((r) => r.mean)} ${median((r) => r.worst)} ${summarize(
    runs.map((r) => r.worst),
  )
    .max.toFixed(0)
    .padStart(6)} ${median((r) => r.seeks)} ${median((r) => r.rateChanges)}`;
}

console.log(`medians over ${SEEDS.length} seeds`);
console.log('deadBand seekThr  p95 ms  align mean  worst  (max)  seeks  rate changes');
for (const deadBand of [0.003, 0.005, 0.008, 0.01, 0.015, 0.02]) {
  for (const seekThreshold of [0.1, 0.15, 0.25]) {
    const params = { ...DEFAULT_DRIFT_PARAMS, deadBand, settleBand: deadBand * 0.4, seekThreshold };
    console.log(
      `${deadBand.toFixed(3).padStart(8)} ${seekThreshold.toFixed(2).padStart(7)} ${sweep(params)}`,
    );
  }
}
