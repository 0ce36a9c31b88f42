import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * bcrypt runs on worker threads. bcryptjs on the main thread works in 100 ms slices between
 * which the event loop only gets a turn after every other pending slice: twenty sign-ins at
 * once held every health check, join and relayed signal for seconds (bench/abuse). On
 * workers, the event loop stays free and sign-ins queue for a thread instead, one queue per
 * client address served in turn, so one address's flood delays another's sign-in by at most
 * one comparison per thread rather than by the whole flood.
 *
 * Queues per address do not help against a flood spread over many addresses: each address is
 * one more queue ahead of the rightful one (250 addresses held a sign-in 5.4 s). So the work
 * comes in two lanes. The `known` lane (a username signing in from an address it signed in
 * from before, which a stranger cannot fake without the password) is always served first and
 * has a thread of its own that the other lane never takes; the `other` lane (registrations,
 * sign-ins from pairs not known) shares the remaining threads in turn per address.
 *
 * A thread of its own is not a core of its own: with the other lane's thread busy, a known
 * comparison and the event loop shared what was left of two cores (a known sign-in 0.3 -> 0.8 s,
 * health and joins x3, bench/abuse). So while known work runs, other-lane work parks between
 * bcryptjs's slices (about 100 ms of rounds each), and bcrypt takes one core, not two. It parks
 * at most PARK_MAX_MS at a time, so known sign-ins back to back slow strangers' and
 * registrations down but never stop them. A lower CPU priority for the other lane (nice +10)
 * held the known lane's target too, but starved the other lane whenever the machine was busy
 * with anything else (four cost-12 hashes took over 20 s at load 10).
 */
type Job =
  | { op: 'hash'; password: string; cost: number }
  | { op: 'compare'; password: string; hash: string };

/**
 * The worker's code, as CommonJS evaluated in the worker (no TypeScript loader there, under tsx
 * or vitest alike); bcryptjs is required by the path resolved here. bcryptjs's async form calls
 * the progress callback before each slice of rounds: there an other-lane job parks while the
 * known lane's count of running jobs (shared memory, set by the pool) is above zero.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
const knownRunning = new Int32Array(workerData.knownRunning);
const park = () => {
  const until = Date.now() + workerData.parkMaxMs;
  for (let n = Atomics.load(knownRunning, 0); n > 0; n = Atomics.load(knownRunning, 0)) {
    const left = until - Date.now();
    if (left <= 0) return;
    Atomics.wait(knownRunning, 0, n, left);
  }
};
parentPort.on('message', ({ id, job, parks }) => {
  const done = (err, result) =>
    parentPort.postMessage(err ? { id, error: String(err.message || err) } : { id, result });
  const progress = parks ? park : undefined;
  try {
    if (job.op === 'hash') bcrypt.hash(job.password, job.cost, done, progress);
    else bcrypt.compare(job.password, job.hash, done, progress);
  } catch (err) {
    done(err);
  }
});
`;

/** The longest an other-lane job parks at a time for known work: about one cost-12 comparison. */
export const PARK_MAX_MS = 500;

interface Pending {
  resolve(result: string | boolean): void;
  reject(err: Error): void;
}

interface Reply {
  id: number;
  result?: string | boolean;
  error?: string;
}

/** Whose work it is: a pair already proven goes first (see above). */
export type Lane = 'known' | 'other';

interface Queued {
  id: number;
  job: Job;
  lane: Lane;
}

/** Waiting jobs per client address; a Map keeps insertion order, which serves them in turn. */
class TurnQueues {
  readonly #queues = new Map<string, Queued[]>();

  push(queue: string, item: Queued): void {
    const waiting = this.#queues.get(queue);
    if (waiting) waiting.push(item);
    else this.#queues.set(queue, [item]);
  }

  /** The first job of the queue that waited longest for its turn; that queue goes last. */
  take(): Queued | undefined {
    const first = this.#queues.entries().next();
    if (first.done) return undefined;
    const [key, waiting] = first.value;
    const next = waiting.shift();
    this.#queues.delete(key);
    if (waiting.length > 0) this.#queues.set(key, waiting);
    return next;
  }

  get empty(): boolean {
    return this.#queues.size === 0;
  }

  get size(): number {
    let n = 0;
    for (const waiting of this.#queues.values()) n += waiting.length;
    return n;
  }
}

export class BcryptPool {
  /** The known lane's own thread when idle (at most one). */
  readonly #idleKnown: Worker[] = [];
  /** Idle threads either lane may take. */
  readonly #idleShared: Worker[] = [];
  readonly #known = new Set<Worker>();
  readonly #lanes: Record<Lane, TurnQueues> = { known: new TurnQueues(), other: new TurnQueues() };
  readonly #pending = new Map<number, Pending>();
  readonly #busy = new Map<Worker, { item: Queued; startedAt: number }>();
  #next = 0;
  #started = false;
  /** The last comparisons' times on a thread (queueing excluded, parking included), newest last. */
  readonly #compareMs: number[] = [];
  /** Known jobs on a thread, in memory the workers read: other-lane jobs park while above 0. */
  readonly #knownRunning = new Int32Array(new SharedArrayBuffer(4));

  /**
   * `shared` threads take either lane's work; one more is kept for the known lane alone.
   * Known sign-ins are few (each pair gets 5 a day, then one per growing delay), so that
   * thread is idle but for them.
   */
  constructor(
    private readonly shared: number,
    private readonly parkMaxMs = PARK_MAX_MS,
  ) {}

  /** The shared threads, at the first job; the known lane's own at its first job. */
  #start(lane: Lane): void {
    if (!this.#started) {
      this.#started = true;
      for (let i = 0; i < this.shared; i += 1) this.#spawn(false);
    }
    if (lane === 'known' && this.#known.size === 0) this.#spawn(true);
  }

  #spawn(known: boolean): void {
    const bcryptPath = createRequire(import.meta.url).resolve('bcryptjs');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        bcryptPath,
        knownRunning: this.#knownRunning.buffer,
        parkMaxMs: this.parkMaxMs,
      },
    });
    // Idle workers must not keep a finished process (a test run, a CLI) alive.
    worker.unref();
    worker.on('message', (reply: Reply) => this.#done(worker, reply));
    worker.on('error', (err: Error) => this.#failed(worker, err));
    if (known) this.#known.add(worker);
    this.#idleOf(worker).push(worker);
  }

  run(job: Job, queue: string, lane: Lane = 'other'): Promise<string | boolean> {
    this.#start(lane);
    const id = this.#next++;
    const result = new Promise<string | boolean>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
    });
    this.#lanes[lane].push(queue, { id, job, lane });
    this.#dispatch();
    return result;
  }

  /** Jobs on a thread and waiting, per lane. */
  load(): Record<Lane, { running: number; waiting: number }> {
    const running = { known: 0, other: 0 };
    for (const { item } of this.#busy.values()) running[item.lane] += 1;
    return {
      known: { running: running.known, waiting: this.#lanes.known.size },
      other: { running: running.other, waiting: this.#lanes.other.size },
    };
  }

  /** The median time of the last comparisons on a thread, or undefined before the first. */
  typicalCompareMs(): number | undefined {
    const sorted = [...this.#compareMs].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  #idleOf(worker: Worker): Worker[] {
    return this.#known.has(worker) ? this.#idleKnown : this.#idleShared;
  }

  /** Known work first, on its own thread or any idle one; other work on the shared ones only. */
  #dispatch(): void {
    for (;;) {
      let worker: Worker | undefined;
      let next: Queued | undefined;
      if (!this.#lanes.known.empty && this.#idleKnown.length + this.#idleShared.length > 0) {
        worker = this.#idleKnown.pop() ?? this.#idleShared.pop();
        next = this.#lanes.known.take();
      } else if (!this.#lanes.other.empty && this.#idleShared.length > 0) {
        worker = this.#idleShared.pop();
        next = this.#lanes.other.take();
      }
      if (!worker || !next) return;
      this.#busy.set(worker, { item: next, startedAt: performance.now() });
      if (next.lane === 'known') Atomics.add(this.#knownRunning, 0, 1);
      worker.ref();
      worker.postMessage({ id: next.id, job: next.job, parks: next.lane === 'other' });
    }
  }

  #done(worker: Worker, reply: Reply): void {
    const finished = this.#busy.get(worker);
    this.#busy.delete(worker);
    if (finished) this.#offThread(finished.item);
    if (finished?.item.job.op === 'compare') this.#timed(performance.now() - finished.startedAt);
    worker.unref();
    this.#idleOf(worker).push(worker);
    const pending = this.#pending.get(reply.id);
    this.#pending.delete(reply.id);
    if (reply.error !== undefined || reply.result === undefined) {
      pending?.reject(new Error(reply.error ?? 'bcrypt failed'));
    } else {
      pending?.resolve(reply.result);
    }
    this.#dispatch();
  }

  /** A job off its thread: once no known job is left on one, parked other-lane work resumes. */
  #offThread(item: Queued): void {
    if (item.lane !== 'known') return;
    if (Atomics.sub(this.#knownRunning, 0, 1) === 1) Atomics.notify(this.#knownRunning, 0);
  }

  #timed(ms: number): void {
    this.#compareMs.push(ms);
    if (this.#compareMs.length > COMPARE_TIMES_KEPT) this.#compareMs.shift();
  }

  /** A worker that died fails its job; a fresh pool starts on the next call. */
  #failed(worker: Worker, err: Error): void {
    const item = this.#busy.get(worker)?.item;
    const id = item?.id;
    if (item) this.#offThread(item);
    this.#busy.delete(worker);
    if (id !== undefined) {
      this.#pending.get(id)?.reject(err);
      this.#pending.delete(id);
    }
    const idle = this.#idleOf(worker);
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
    if (this.#known.delete(worker)) return;
    const shared =
      this.#idleShared.length + [...this.#busy.keys()].filter((w) => !this.#known.has(w)).length;
    if (shared === 0) this.#started = false;
  }
}

/** Enough recent comparisons for a steady median. */
const COMPARE_TIMES_KEPT = 15;

/**
 * Shared threads: one fewer than the machine has, so the event loop keeps a core; at least
 * one. The known lane's own thread comes on top.
 */
const pool = new BcryptPool(Math.max(1, availableParallelism() - 1));

/** The pool's jobs per lane, running and waiting (tests watch it fill). */
export const bcryptLoad = (): ReturnType<BcryptPool['load']> => pool.load();

/** Work queued under `queue` (the client's address) takes turns with other queues. */
export async function hashPassword(password: string, cost: number, queue = ''): Promise<string> {
  const hash = await pool.run({ op: 'hash', password, cost }, queue);
  if (typeof hash !== 'string') throw new Error('bcrypt hash failed');
  return hash;
}

export async function verifyPassword(
  password: string,
  hash: string,
  queue = '',
  lane: Lane = 'other',
): Promise<boolean> {
  return (await pool.run({ op: 'compare', password, hash }, queue, lane)) === true;
}

/**
 * Refusing a username that does not exist takes as long as a wrong password, without the
 * bcrypt work: it waits as long as recent comparisons took (the first time it compares
 * against a dummy hash for real, to have a time). A comparison per missing username let a
 * flood of made-up names spread over many addresses fill the bcrypt threads. The wait hides
 * no more than registration's `username_taken` tells, and both spend the same per-address
 * budget (AUTH_LIMIT_PER_IP).
 */
export function createMissingAccountWait(cost: number): () => Promise<void> {
  let dummy: Promise<string> | undefined;
  return async () => {
    const typical = pool.typicalCompareMs();
    if (typical !== undefined) {
      await new Promise((r) => setTimeout(r, typical));
      return;
    }
    dummy ??= hashPassword('not-a-real-password', cost);
    await verifyPassword('not the password', await dummy);
  };
}
