import { spawn } from 'node:child_process';
import { finishEnvironment, startEnvironment } from '../lib/environment';
import { writeResults } from '../lib/results';
import { round } from '../lib/stats';
import { type Attack, CLIENT_ADDRESS } from './attacks';
import { request } from './http';
import { Samples, startAttacker } from './probe';

/**
 * bench/abuse's request floods against bench/abuse/noop-server.ts, a server that does no work,
 * with the same rightful health checks beside them: how much of what bench/abuse measures
 * is the machine's own limit rather than the server's. `npm run bench:abuse:floor`; prints
 * figures and writes bench/results/abuse-floor.json.
 */
const PHASE_SECONDS = Number(process.env.BENCH_PHASE_SECONDS ?? 20);
const RAMP_SECONDS = 3;
const HEALTH_EVERY_MS = 100;
/** The floods a no-op server can answer as the real one does once its limits are spent. */
const FLOODS: Attack[] = ['handshakes', 'rooms', 'sign-ins'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function health(base: URL, seconds: number) {
  const samples = new Samples();
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const started = Date.now();
    await samples.time(async () => {
      const res = await request(base, CLIENT_ADDRESS, 'GET', '/api/health');
      return res.status === 200 ? 'ok' : `status ${res.status}`;
    });
    await sleep(Math.max(0, HEALTH_EVERY_MS - (Date.now() - started)));
  }
  return samples.result();
}

async function main(): Promise<void> {
  const environment = await startEnvironment();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./noop-server.ts', import.meta.url).pathname],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve) => {
    child.stdout.on('data', (c: Buffer) => {
      const match = /listening on (\S+)/.exec(c.toString());
      if (match?.[1]) resolve(match[1]);
    });
  });
  try {
    const base = new URL(url);
    const floods = [];
    for (const kind of FLOODS) {
      const quiet = await health(base, PHASE_SECONDS);
      const attacker = startAttacker(kind, url, PHASE_SECONDS + RAMP_SECONDS);
      await sleep(RAMP_SECONDS * 1000);
      const during = await health(base, PHASE_SECONDS);
      const figures = {
        attack: kind,
        attacker: await attacker,
        quiet,
        during,
        p99DuringOverQuiet: round(during.summary.p99 / quiet.summary.p99, 2),
      };
      console.log(
        `${kind} against a no-op server: p99 health ${quiet.summary.p99} -> ${during.summary.p99} ms ` +
          `(x${figures.p99DuringOverQuiet}), p50 ${quiet.summary.p50} -> ${during.summary.p50} ms; ` +
          `attacker ${JSON.stringify(figures.attacker)}`,
      );
      floods.push(figures);
    }
    writeResults('abuse-floor', finishEnvironment(environment), {
      setup: {
        phaseSeconds: PHASE_SECONDS,
        rampSeconds: RAMP_SECONDS,
        healthEveryMs: HEALTH_EVERY_MS,
      },
      floods,
    });
    console.log('wrote bench/results/abuse-floor.json');
  } finally {
    child.kill();
  }
}

await main();
