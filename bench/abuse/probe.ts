import { spawn } from 'node:child_process';
import { figures, type Summary } from '../lib/stats';
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
  /** A figure measured elsewhere (the server's own time for a request). */
  add(ms: number): void {
    this.ms.push(ms);
  }
  result(): Sampled {
    return { summary: figures(this.ms), failures: this.failures };
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
