import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../signalling/testing/server-process';
import { finishEnvironment, startEnvironment } from '../lib/environment';
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
} from './common';

/**
 * bench/signalling: simulated clients (real socket.io-client, spread over worker processes)
 * sign in, join rooms of five and exchange signals with a server running in its own process.
 * Prints its figures and writes bench/results/signalling.json; it never fails on a timing.
 */
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 10_000);
const ROOM_SIZE = 5;
const PACED_ROOMS = Math.min(1000, SOCKETS / ROOM_SIZE / 2);
const PACED_RATE = 1000;
const USERS = Number(process.env.BENCH_USERS ?? 200);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);

async function main(): Promise<void> {
  const environment = await startEnvironment();
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-bench-'));
  const server = await startServer({ ...SERVER_ENV, DATA_DIR: dataDir });
  const workers: ChildProcess[] = [];
  try {
    console.log(
      `bench/signalling: ${SOCKETS} sockets in rooms of ${ROOM_SIZE}, ${USERS} accounts, ${WORKERS} workers`,
    );
    const accounts = await inBatches(USERS, 8, (i) => register(server.url, i));
    const roomCount = Math.ceil(SOCKETS / ROOM_SIZE);
    const rooms = await inBatches(roomCount, 50, (i) =>
      createRoom(server.url, accounts[i % USERS] as Account),
    );
    const plans = socketPlans(SOCKETS, ROOM_SIZE, accounts, rooms);
    const pacedPlans = plans.slice(0, PACED_ROOMS * ROOM_SIZE);
    const burstPlans = plans.slice(PACED_ROOMS * ROOM_SIZE);
    const rssBaseline = server.rssBytes();

    for (let i = 0; i < WORKERS; i++) workers.push(startWorker());

    // 1. Paced joins into the first 1,000 rooms at 1,000 joins/s: the latency a user sees.
    const pacedParts = split(pacedPlans, WORKERS, ROOM_SIZE);
    const c1 = await phase(
      workers,
      pacedParts.map((sockets) => ({
        type: 'connect',
        url: server.url,
        sockets,
        concurrency: 100,
      })),
    );
    const j1 = await phase(
      workers,
      workers.map(() => ({ type: 'join', ratePerSecond: PACED_RATE / WORKERS, concurrency: 200 })),
    );

    // 2. The rest as fast as the clients can ask: the server's join throughput.
    const burstParts = split(burstPlans, WORKERS, ROOM_SIZE);
    const c2 = await phase(
      workers,
      burstParts.map((sockets) => ({
        type: 'connect',
        url: server.url,
        sockets,
        concurrency: 100,
      })),
    );
    const before = Date.now();
    const j2 = await phase(
      workers,
      workers.map(() => ({ type: 'join', ratePerSecond: null, concurrency: 50 })),
    );
    const burstSeconds = (Date.now() - before) / 1000;

    // 3. Everyone held: memory per socket.
    await new Promise((r) => setTimeout(r, 2000));
    const held = c1.ok + c2.ok;
    const rssHeld = server.rssBytes();

    // 4. Signals: each socket sends four to members of its room.
    const s = await phase(
      workers,
      workers.map(() => ({ type: 'signal', perSocket: 4, intervalMs: 250 })),
    );
    await phase(
      workers,
      workers.map(() => ({ type: 'close' })),
    );

    const paced = summarize(j1.latencies);
    const burst = summarize(j2.latencies);
    const relay = summarize(s.latencies);
    const results = {
      sockets: { requested: SOCKETS, held, connectErrors: { ...c1.errors, ...c2.errors } },
      rss: {
        baselineMB: round(rssBaseline / 2 ** 20),
        heldMB: round(rssHeld / 2 ** 20),
        perSocketKB: round((rssHeld - rssBaseline) / held / 1024),
      },
      pacedJoin: {
        rooms: PACED_ROOMS,
        ratePerSecond: PACED_RATE,
        ok: j1.ok,
        errors: j1.errors,
        p50ms: round(paced.p50, 2),
        p99ms: round(paced.p99, 2),
      },
      burstJoin: {
        joins: j2.ok,
        errors: j2.errors,
        joinsPerSecond: round(j2.ok / burstSeconds, 0),
        p50ms: round(burst.p50, 2),
        p99ms: round(burst.p99, 2),
      },
      relay: {
        signals: s.ok,
        errors: s.errors,
        p50ms: round(relay.p50, 2),
        p99ms: round(relay.p99, 2),
      },
    };
    console.log(JSON.stringify(results, null, 2));
    writeResults('signalling', finishEnvironment(environment), results);
    console.log('wrote bench/results/signalling.json');
  } finally {
    for (const w of workers) if (w.exitCode === null) w.kill();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
