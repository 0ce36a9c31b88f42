import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { round } from './stats';

/**
 * What a benchmark ran on, recorded beside its figures: the same code gives figures three times
 * apart on two machines of the same kind (docs/benchmarks.md, "Machines differ"), so a figure
 * means little without the machine's speed and how busy it was.
 */
export interface Environment {
  commit: string;
  /** Uncommitted changes were in the tree. */
  dirty: boolean;
  node: string;
  chromium: string | null;
  cpuModel: string;
  cores: number;
  /** Single-thread calibration before and after the run (ms; lower is faster). */
  calibrationMs: { before: Calibration; after: Calibration | null };
  /** Share of CPU time the machine spent busy over a few seconds before the run started. */
  busyBeforeShare: number;
  loadAverage: { before: number[]; after: number[] | null };
  startedAt: string;
  finishedAt: string | null;
  /** Why these figures may not be the machine's quiet figures; empty when none. */
  warnings: string[];
}

export interface Calibration {
  /** A fixed integer loop in V8: the kind of work the pages and the server do. */
  js: number;
  /** SHA-256 over 64 MiB in OpenSSL: native code, insensitive to JIT warm-up. */
  sha256: number;
}

/** Above this share of busy CPU before the run, the machine was not quiet. */
const BUSY_SHARE = 0.2;
/** After/before calibration ratio above which something else ran during the benchmark. */
const SLOWER_AFTER = 1.25;

function git(args: string[]): string {
  try {
    return execFileSync('git', args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

/** Debian's wrapper prints a harmless shell warning first; the version is on its own line. */
export function chromiumVersion(
  path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
): string | null {
  try {
    const out = execFileSync(path, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return /Chromium [\d.]+/.exec(out)?.[0] ?? null;
  } catch {
    return null;
  }
}

function jsLoop(): number {
  const started = performance.now();
  let x = 0;
  for (let i = 0; i < 100_000_000; i++) x = (x * 31 + i) | 0;
  // Used, so the loop cannot be optimised away.
  if (x === 42) console.log('');
  return performance.now() - started;
}

function sha256Pass(): number {
  const block = Buffer.alloc(1 << 20, 7);
  const started = performance.now();
  for (let i = 0; i < 64; i++) createHash('sha256').update(block).digest();
  return performance.now() - started;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/**
 * About two seconds of fixed single-thread work, each part the median of three passes. V8 runs
 * the loop's first calls unoptimised (about 5x slower here) until its optimising compiler, on a
 * thread of its own, is done, which takes longer on a busy machine: untimed calls come first
 * until one is no faster than the one before (at most six).
 */
export function calibrate(): Calibration {
  let previous = jsLoop();
  for (let i = 0; i < 5; i++) {
    const next = jsLoop();
    if (next > previous * 0.8) break;
    previous = next;
  }
  const js: number[] = [];
  const sha: number[] = [];
  for (let i = 0; i < 3; i++) {
    js.push(jsLoop());
    sha.push(sha256Pass());
  }
  return { js: round(median(js), 0), sha256: round(median(sha), 0) };
}

function cpuTicks(): { busy: number; total: number } {
  const fields =
    readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ??
    [];
  const total = fields.reduce((a, b) => a + b, 0);
  // idle and iowait
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

async function busyShare(ms: number): Promise<number> {
  const a = cpuTicks();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTicks();
  const total = b.total - a.total;
  return total > 0 ? round((b.busy - a.busy) / total, 2) : 0;
}

/** Records the machine before a benchmark starts: takes about four seconds. */
export async function startEnvironment(options: { chromium?: boolean } = {}): Promise<Environment> {
  const busyBeforeShare = await busyShare(3000);
  const before = loadavg().map((l) => round(l, 2));
  const calibrationBefore = calibrate();
  const warnings: string[] = [];
  if (busyBeforeShare > BUSY_SHARE) {
    warnings.push(
      `the machine was ${Math.round(busyBeforeShare * 100)} % busy before the run: other work shares its cores, figures are pessimistic`,
    );
  }
  return {
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '',
    node: process.version,
    chromium: options.chromium ? chromiumVersion() : null,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    calibrationMs: { before: calibrationBefore, after: null },
    busyBeforeShare,
    loadAverage: { before, after: null },
    startedAt: new Date().toISOString(),
    finishedAt: null,
    warnings,
  };
}

/** Completes the record after the run, warning when the machine slowed down meanwhile. */
export function finishEnvironment(env: Environment): Environment {
  const after = calibrate();
  const warnings = [...env.warnings];
  const ratio = Math.max(
    after.js / env.calibrationMs.before.js,
    after.sha256 / env.calibrationMs.before.sha256,
  );
  if (ratio > SLOWER_AFTER) {
    warnings.push(
      `calibration ${Math.round((ratio - 1) * 100)} % slower after the run than before: something else ran meanwhile`,
    );
  }
  return {
    ...env,
    calibrationMs: { ...env.calibrationMs, after },
    loadAverage: { ...env.loadAverage, after: loadavg().map((l) => round(l, 2)) },
    finishedAt: new Date().toISOString(),
    warnings,
  };
}

/** One line for the console: what ran where, and any warning in capitals so it is not missed. */
export function describeEnvironment(env: Environment): string {
  const c = env.calibrationMs;
  const lines = [
    `environment: ${env.commit}${env.dirty ? '+changes' : ''}, ${env.chromium ?? 'no browser'}, node ${env.node}, ${env.cores} x ${env.cpuModel}`,
    `calibration (ms, lower is faster): js ${c.before.js}, sha256 ${c.before.sha256} before; ${c.after ? `js ${c.after.js}, sha256 ${c.after.sha256} after` : 'not yet after'}; busy before ${Math.round(env.busyBeforeShare * 100)} %, load ${env.loadAverage.before.join(' ')} -> ${env.loadAverage.after?.join(' ') ?? '?'}`,
    ...env.warnings.map((w) => `WARNING: ${w}`),
  ];
  return lines.join('\n');
}
