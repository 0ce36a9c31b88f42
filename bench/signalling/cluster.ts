import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisMissing, startRedisServer } from '../../signalling/testing/redis-server';
import { type ServerProcess, startServer } from '../../signalling/testing/server-process';
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
import type { PhaseReport, SocketPlan } from './protocol';

/**
 * bench/signalling/cluster.ts: the same load against one node with lowdb and against two
 * nodes sharing Redis, in one run. Each room's members alternate between the nodes, so every
 * join, peer:joined and signal crosses Redis. Joins first paced (the latency a person sees),
 * then as fast as the clients can ask (throughput). Prints its figures and writes
 * bench/results/signalling-cluster.json; it never fails on a timing.
 */
const ROOMS = Number(process.env.BENCH_ROOMS ?? 1000);
const ROOM_SIZE = 5;
const PACED_ROOMS = Math.min(200, Math.floor(ROOMS / 5));
const PACED_RATE = 250;
const USERS = 200;
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);

interface Setup {
  name: string;
  urls: string[];
  stop(): Promise<void>;
}

const joinFigures = (r: PhaseReport) => {
  const s = summarize(r.latencies);
  const seconds = (r.endedAt - r.startedAt) / 1000;
  return {
    joins: r.ok,
    errors: r.errors,
    joinsPerSecond: round(r.ok / seconds, 0),
    p50ms: round(s.p50, 2),
    p99ms: round(s.p99, 2),
  };
};

async function measure(setup: Setup) {
  const { urls } = setup;
  const nodeOf = (i: number): string => urls[i % urls.length] ?? '';
  const accounts = await inBatches(USERS, 8, (i) => register(nodeOf(i), i));
  const rooms = await inBatches(ROOMS, 50, (i) =>
    createRoom(nodeOf(i), accounts[i % USERS] as Account),
  );
  const plans: SocketPlan[] = socketPlans(ROOMS * ROOM_SIZE, ROOM_SIZE, accounts, rooms).map(
    (plan, i) => ({ ...plan, url: nodeOf(i % ROOM_SIZE) }),
  );
  const workers: ChildProcess[] = Array.from({ length: WORKERS }, startWorker);
  try {
    const connect = (sockets: SocketPlan[]) =>
      phase(
        workers,
        split(sockets, WORKERS, ROOM_SIZE).map((part) => ({
          type: 'connect',
          url: urls[0] ?? '',
          sockets: part,
          concurrency: 100,
        })),
      );
    const cut = PACED_ROOMS * ROOM_SIZE;
    await connect(plans.slice(0, cut));
    const paced = await phase(
      workers,
      workers.map(() => ({ type: 'join', ratePerSecond: PACED_RATE / WORKERS, concurrency: 100 })),
    );
    await connect(plans.slice(cut));
    const burst = await phase(
      workers,
      workers.map(() => ({ type: 'join', ratePerSecond: null, concurrency: 50 })),
    );
    const relay = await phase(
      workers,
      workers.map(() => ({ type: 'signal', perSocket: 4, intervalMs: 250 })),
    );
    await phase(
      workers,
      workers.map(() => ({ type: 'close' })),
    );
    const r = summarize(relay.latencies);
    return {
      nodes: urls.length,
      rooms: ROOMS,
      sockets: plans.length,
      pacedJoin: { ratePerSecond: PACED_RATE, ...joinFigures(paced) },
      burstJoin: joinFigures(burst),
      relay: {
        signals: relay.ok,
        errors: relay.errors,
        p50ms: round(r.p50, 2),
        p99ms: round(r.p99, 2),
      },
    };
  } finally {
    for (const w of workers) if (w.exitCode === null) w.kill();
  }
}

async function oneNodeLowdb(): Promise<Setup> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-bench-'));
  const node = await startServer({ ...SERVER_ENV, DATA_DIR: dataDir });
  return {
    name: 'one node, lowdb',
    urls: [node.url],
    stop: async () => {
      await node.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function twoNodesRedis(): Promise<Setup> {
  const redis = await startRedisServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-bench-'));
  const env = {
    ...SERVER_ENV,
    DATA_DIR: dataDir,
    REDIS_URL: redis.url,
    PIN_SECRET: randomBytes(32).toString('hex'),
  };
  const nodes: ServerProcess[] = [await startServer(env), await startServer(env)];
  return {
    name: 'two nodes, Redis',
    urls: nodes.map((n) => n.url),
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
      await redis.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  const environment = await startEnvironment();
  console.log(
    `bench/signalling/cluster: ${ROOMS} rooms of ${ROOM_SIZE}, ${WORKERS} workers; one node with lowdb, then two nodes sharing Redis`,
  );
  const setups = [oneNodeLowdb, ...(redisMissing ? [] : [twoNodesRedis])];
  if (redisMissing) console.log(`two nodes skipped: ${redisMissing}`);
  const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  for (const open of setups) {
    const setup = await open();
    try {
      results[setup.name] = await measure(setup);
      console.log(setup.name, JSON.stringify(results[setup.name], null, 2));
    } finally {
      await setup.stop();
    }
  }
  writeResults('signalling-cluster', finishEnvironment(environment), { results });
  console.log('wrote bench/results/signalling-cluster.json');
}

await main();
