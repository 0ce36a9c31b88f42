import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../signalling/testing/server-process';
import { finishEnvironment, startEnvironment } from '../lib/environment';
import { treeCpuSeconds } from '../lib/proc';
import { writeResults } from '../lib/results';
import { round, summarize } from '../lib/stats';
import {
  type Account,
  createRoom,
  inBatches,
  phase,
  register,
  SERVER_ENV,
  socketPlans,
  split,
  startWorker,
} from '../signalling/common';

/**
 * bench/load: 1,000 rooms of five sockets (real socket.io-client over worker processes) join
 * and then relay signals to each other for a minute, against a server in its own process.
 * Records errors, join latency, relay latency, and the server's RSS and CPU as it goes.
 * Prints its figures and writes bench/results/load.json; never fails on a timing.
 */
const ROOMS = Number(process.env.BENCH_ROOMS ?? 1000);
const ROOM_SIZE = 5;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
/** Each socket sends one signal per interval, spread evenly: 2,500 relays a second in all. */
const SIGNAL_INTERVAL_MS = Number(process.env.BENCH_SIGNAL_INTERVAL_MS ?? 2000);
const JOIN_RATE = Number(process.env.BENCH_JOIN_RATE ?? 500);
const USERS = Number(process.env.BENCH_USERS ?? 200);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const SAMPLE_EVERY_MS = 5000;

const mb = (bytes: number): number => round(bytes / 2 ** 20);

async function main(): Promise<void> {
  const environment = await startEnvironment();
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-bench-load-'));
  const server = await startServer({ ...SERVER_ENV, DATA_DIR: dataDir });
  const pid = server.child.pid ?? 0;
  const workers: ChildProcess[] = [];
  try {
    const sockets = ROOMS * ROOM_SIZE;
    console.log(
      `bench/load: ${ROOMS} rooms × ${ROOM_SIZE} sockets, joins at ${JOIN_RATE}/s, ` +
        `then a signal per socket every ${SIGNAL_INTERVAL_MS} ms for ${SECONDS} s; ` +
        `${USERS} accounts, ${WORKERS} workers; load average ${loadavg()[0]?.toFixed(2)}`,
    );
    const accounts = await inBatches(USERS, 8, (i) => register(server.url, i, 'load'));
    const rooms = await inBatches(ROOMS, 50, (i) =>
      createRoom(server.url, accounts[i % USERS] as Account),
    );
    const plans = socketPlans(sockets, ROOM_SIZE, accounts, rooms);
    const rssIdle = server.rssBytes();
    for (let i = 0; i < WORKERS; i++) workers.push(startWorker());

    const connected = await phase(
      workers,
      split(plans, WORKERS, ROOM_SIZE).map((part) => ({
        type: 'connect',
        url: server.url,
        sockets: part,
        concurrency: 100,
      })),
    );
    const joined = await phase(
      workers,
      workers.map(() => ({ type: 'join', ratePerSecond: JOIN_RATE / WORKERS, concurrency: 200 })),
    );
    const rssJoined = server.rssBytes();

    const samples: { atSeconds: number; rssMB: number }[] = [];
    const relayStart = Date.now();
    const cpuStart = treeCpuSeconds(pid);
    const sample = () =>
      samples.push({
        atSeconds: round((Date.now() - relayStart) / 1000),
        rssMB: mb(server.rssBytes()),
      });
    sample();
    const sampler = setInterval(sample, SAMPLE_EVERY_MS);
    const relayed = await phase(
      workers,
      workers.map(() => ({
        type: 'signal',
        perSocket: Math.round((SECONDS * 1000) / SIGNAL_INTERVAL_MS),
        intervalMs: SIGNAL_INTERVAL_MS,
        paced: true,
      })),
    );
    clearInterval(sampler);
    sample();
    const relaySeconds = (Date.now() - relayStart) / 1000;
    const cpuSeconds = treeCpuSeconds(pid) - cpuStart;

    await phase(
      workers,
      workers.map(() => ({ type: 'close' })),
    );
    await new Promise((r) => setTimeout(r, 3000));
    const rssClosed = server.rssBytes();

    const join = summarize(joined.latencies);
    const relay = summarize(relayed.latencies);
    const rss = samples.map((s) => s.rssMB);
    const results = {
      setup: {
        rooms: ROOMS,
        socketsPerRoom: ROOM_SIZE,
        accounts: USERS,
        workers: WORKERS,
        joinRatePerSecond: JOIN_RATE,
        signalIntervalMs: SIGNAL_INTERVAL_MS,
        relaySeconds: round(relaySeconds),
      },
      errors: { connect: connected.errors, join: joined.errors, relay: relayed.errors },
      connected: connected.ok,
      join: {
        ok: joined.ok,
        p50ms: round(join.p50, 2),
        p99ms: round(join.p99, 2),
        maxMs: round(join.max, 2),
      },
      relay: {
        signals: relayed.ok,
        perSecond: round(relayed.ok / relaySeconds, 0),
        p50ms: round(relay.p50, 2),
        p99ms: round(relay.p99, 2),
        maxMs: round(relay.max, 2),
      },
      server: {
        cpuPercentOfOneCoreWhileRelaying: round((cpuSeconds / relaySeconds) * 100, 0),
        rssMB: {
          idle: mb(rssIdle),
          joined: mb(rssJoined),
          relayStart: rss[0],
          relayEnd: rss.at(-1),
          relayMin: Math.min(...rss),
          relayMax: Math.max(...rss),
          afterClose: mb(rssClosed),
        },
        rssSamples: samples,
      },
    };
    console.log(JSON.stringify(results, null, 2));
    writeResults('load', finishEnvironment(environment), results);
    console.log('wrote bench/results/load.json');
  } finally {
    for (const w of workers) if (w.exitCode === null) w.kill();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
