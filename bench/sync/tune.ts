import { DEFAULT_DRIFT_PARAMS } from '../../shared/sync/drift-controller';
import { liveConnect } from './policies';
import { runSimulation } from './simulate';

/** Sweeps the controller's dead band and seek threshold over the simulation; prints one row each. */
console.log('deadBand seekThr  |err| p50   p95   worst align  seeks  visible');
for (const deadBand of [0.002, 0.003, 0.004, 0.005, 0.008, 0.012]) {
  for (const seekThreshold of [0.1, 0.15, 0.25]) {
    const params = { ...DEFAULT_DRIFT_PARAMS, deadBand, settleBand: deadBand / 3, seekThreshold };
    const [f] = runSimulation([() => liveConnect(params)]);
    if (!f) continue;
    const worst = f.alignMs.reduce<number | null>(
      (w, a) => (a.ms === null || w === null ? null : Math.max(w, a.ms)),
      0,
    );
    console.log(
      `${deadBand.toFixed(3).padStart(8)} ${seekThreshold.toFixed(2).padStart(7)}  ${f.steadyErrorMs.p50.toFixed(1).padStart(9)} ${f.steadyErrorMs.p95.toFixed(1).padStart(5)}  ${String(worst).padStart(11)}  ${String(f.correctionSeeks).padStart(5)}  ${String(f.visibleCorrections).padStart(7)}`,
    );
  }
}
