import { writeFileSync } from 'node:fs';
import { describeEnvironment, type Environment } from './environment';
import { round } from './stats';

/** Prints the environment and writes bench/results/<name>.json with it first. */
export function writeResults(name: string, environment: Environment, figures: object): void {
  const body = { environment, ...figures };
  console.log(describeEnvironment(environment));
  writeFileSync(
    new URL(`../results/${name}.json`, import.meta.url),
    `${JSON.stringify(body, null, 2)}\n`,
  );
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Each run's value, in run order. */
  runs: number[];
}

/** Median and range of one figure over several runs; NaN runs (a failed phase) are left out. */
export function spread(values: number[]): Spread | null {
  const ok = values.filter((v) => Number.isFinite(v));
  if (ok.length === 0) return null;
  const sorted = [...ok].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2
      ? (sorted[mid] ?? Number.NaN)
      : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return {
    median: round(median, 1),
    min: round(sorted[0] ?? Number.NaN, 1),
    max: round(sorted.at(-1) ?? Number.NaN, 1),
    runs: values.map((v) => round(v, 1)),
  };
}
