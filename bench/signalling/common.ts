import { type ChildProcess, fork } from 'node:child_process';
import type { PhaseReport, SocketPlan, ToWorker } from './protocol';

/** What the signalling benchmarks share: accounts, rooms, and the worker processes' phases. */
export const PASSWORD = 'correct horse battery';

/**
 * Limits sized for one address opening thousands of sessions; the defaults are for the internet.
 * Each join holds a point of its user's and address's PIN budgets while it is judged, so
 * hundreds in flight from one address would otherwise be refused.
 */
export const SERVER_ENV: Record<string, string> = {
  BCRYPT_COST: '10',
  AUTH_LIMIT_PER_IP: '100000',
  PIN_LIMIT_PER_USER: '100000',
  PIN_LIMIT_PER_IP: '100000',
  SOCKET_EVENTS_PER_SECOND: '1000',
  // 10,000 sockets over 200 accounts is 50 an account; the default allows 10.
  SOCKETS_PER_USER: '1000',
  // Rooms are dealt round-robin to the accounts: 10 each at the defaults, more with BENCH_ROOMS.
  ROOMS_PER_USER: '100000',
  // Every simulated client connects from 127.0.0.1: one address, thousands of connections.
  CONNECTIONS_PER_IP: '1000000',
};

export interface Account {
  cookie: string;
}

export interface RoomAccess {
  id: string;
  pin: string;
}

async function post(url: string, body: unknown, cookie?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

export async function register(base: string, i: number, prefix = 'bench'): Promise<Account> {
  const username = `${prefix}_${i}`;
  const res = await post(`${base}/api/auth/register`, { username, password: PASSWORD });
  if (res.status !== 201)
    throw new Error(`register ${username}: ${res.status} ${await res.text()}`);
  const cookie =
    res.headers
      .getSetCookie()
      .find((c) => c.startsWith('lc_session='))
      ?.split(';')[0] ?? '';
  return { cookie };
}

export async function createRoom(base: string, host: Account): Promise<RoomAccess> {
  const res = await post(`${base}/api/rooms`, {}, host.cookie);
  if (res.status !== 201) throw new Error(`create room: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { room: RoomAccess };
  return { id: body.room.id, pin: body.room.pin };
}

export async function inBatches<T>(
  n: number,
  batch: number,
  make: (i: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += batch) {
    const slice = await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, (_, k) => make(i + k)),
    );
    out.push(...slice);
  }
  return out;
}

export function startWorker(): ChildProcess {
  return fork(new URL('./worker.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
  });
}

function ask(worker: ChildProcess, msg: ToWorker): Promise<PhaseReport> {
  return new Promise((resolve) => {
    worker.once('message', (m: PhaseReport) => resolve(m));
    worker.send(msg);
  });
}

/** Runs one phase on every worker (message i to worker i, or the first to all) and merges. */
export async function phase(workers: ChildProcess[], msgs: ToWorker[]): Promise<PhaseReport> {
  const reports = await Promise.all(
    workers.map((w, i) => ask(w, msgs[i] ?? msgs[0] ?? { type: 'close' })),
  );
  const errors: Record<string, number> = {};
  for (const r of reports)
    for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
  return {
    type: 'done',
    phase: reports[0]?.phase ?? 'close',
    ok: reports.reduce((s, r) => s + r.ok, 0),
    errors,
    latencies: reports.flatMap((r) => r.latencies),
    startedAt: Math.min(...reports.map((r) => r.startedAt)),
    endedAt: Math.max(...reports.map((r) => r.endedAt)),
  };
}

/** One plan per socket: rooms filled `roomSize` at a time, in order; accounts taken in turn. */
export function socketPlans(
  count: number,
  roomSize: number,
  accounts: Account[],
  rooms: RoomAccess[],
): SocketPlan[] {
  return Array.from({ length: count }, (_, i) => {
    const room = rooms[Math.floor(i / roomSize)] ?? { id: '', pin: '' };
    const cookie = accounts[i % accounts.length]?.cookie ?? '';
    return { cookie, roomId: room.id, pin: room.pin };
  });
}

/** Whole rooms go to one worker, so each worker's clients can signal each other. */
export function split(plans: SocketPlan[], n: number, roomSize: number): SocketPlan[][] {
  const out: SocketPlan[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < plans.length; i++)
    out[Math.floor(i / roomSize) % n]?.push(plans[i] as SocketPlan);
  return out;
}
