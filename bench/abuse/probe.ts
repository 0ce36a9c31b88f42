import { spawn } from 'node:child_process';
import { round, type Summary, summarize } from '../lib/stats';
import type { Attack } from './attacks';

/** What bench/abuse's measuring clients share: timed samples and the attacker's process. */

export interface Sampled {
  summary: Summary;
  failures: Record<string, number>;
}

export class Samples {
  readonly ms: number[] = [];
  readonly failures: Record<string, number> = {};
  async time(step: () => Promise<string>): Promise<void> {
    const started = performance.now();
    const outcome = await step();
    const elapsed = performance.now() - started;
    if (outcome === 'ok') this.ms.push(elapsed);
    else this.failures[outcome] = (this.failures[outcome] ?? 0) + 1;
  }
  result(): Sampled {
    const s = summarize(this.ms);
    return {
      summary: {
        n: s.n,
        p50: round(s.p50, 1),
        p90: round(s.p90, 1),
        p95: round(s.p95, 1),
        p99: round(s.p99, 1),
        max: round(s.max, 1),
      },
      failures: this.failures,
    };
  }
}

/** Runs bench/abuse/attacker.ts; resolves with the figures it prints. */
export function startAttacker(
  kind: Attack,
  url: string,
  seconds: number,
  extra: string[] = [],
): Promise<object> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('./attacker.ts', import.meta.url).pathname,
      kind,
      url,
      String(seconds),
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as object);
      } catch {
        resolve({ error: `attacker exited ${code} without figures` });
      }
    });
  });
}
