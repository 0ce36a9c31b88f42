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
 */
type Job =
  | { op: 'hash'; password: string; cost: number }
  | { op: 'compare'; password: string; hash: string };

/**
 * The worker's code, as CommonJS evaluated in the worker (no TypeScript loader there, under tsx
 * or vitest alike); bcryptjs is required by the path resolved here.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
parentPort.on('message', ({ id, job }) => {
  try {
    const result = job.op === 'hash'
      ? bcrypt.hashSync(job.password, job.cost)
      : bcrypt.compareSync(job.password, job.hash);
    parentPort.postMessage({ id, result });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message || err) });
  }
});
`;

interface Pending {
  resolve(result: string | boolean): void;
  reject(err: Error): void;
}

interface Reply {
  id: number;
  result?: string | boolean;
  error?: string;
}

class BcryptPool {
  readonly #idle: Worker[] = [];
  /** Waiting jobs per client address; a Map keeps insertion order, which serves them in turn. */
  readonly #queues = new Map<string, { id: number; job: Job }[]>();
  readonly #pending = new Map<number, Pending>();
  readonly #busy = new Map<Worker, number>();
  #next = 0;
  #started = false;

  constructor(private readonly size: number) {}

  #start(): void {
    this.#started = true;
    const bcryptPath = createRequire(import.meta.url).resolve('bcryptjs');
    for (let i = 0; i < this.size; i += 1) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath } });
      // Idle workers must not keep a finished process (a test run, a CLI) alive.
      worker.unref();
      worker.on('message', (reply: Reply) => this.#done(worker, reply));
      worker.on('error', (err: Error) => this.#failed(worker, err));
      this.#idle.push(worker);
    }
  }

  run(job: Job, queue: string): Promise<string | boolean> {
    if (!this.#started) this.#start();
    const id = this.#next++;
    const result = new Promise<string | boolean>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
    });
    const waiting = this.#queues.get(queue);
    if (waiting) waiting.push({ id, job });
    else this.#queues.set(queue, [{ id, job }]);
    this.#dispatch();
    return result;
  }

  #dispatch(): void {
    for (;;) {
      const worker = this.#idle.pop();
      if (!worker) return;
      const next = this.#take();
      if (!next) {
        this.#idle.push(worker);
        return;
      }
      this.#busy.set(worker, next.id);
      worker.ref();
      worker.postMessage(next);
    }
  }

  /** The first job of the queue that waited longest for its turn; that queue goes last. */
  #take(): { id: number; job: Job } | undefined {
    const first = this.#queues.entries().next();
    if (first.done) return undefined;
    const [key, waiting] = first.value;
    const next = waiting.shift();
    this.#queues.delete(key);
    if (waiting.length > 0) this.#queues.set(key, waiting);
    return next;
  }

  #done(worker: Worker, reply: Reply): void {
    this.#busy.delete(worker);
    worker.unref();
    this.#idle.push(worker);
    const pending = this.#pending.get(reply.id);
    this.#pending.delete(reply.id);
    if (reply.error !== undefined || reply.result === undefined) {
      pending?.reject(new Error(reply.error ?? 'bcrypt failed'));
    } else {
      pending?.resolve(reply.result);
    }
    this.#dispatch();
  }

  /** A worker that died fails its job; a fresh pool starts on the next call. */
  #failed(worker: Worker, err: Error): void {
    const id = this.#busy.get(worker);
    this.#busy.delete(worker);
    if (id !== undefined) {
      this.#pending.get(id)?.reject(err);
      this.#pending.delete(id);
    }
    const at = this.#idle.indexOf(worker);
    if (at >= 0) this.#idle.splice(at, 1);
    if (this.#idle.length + this.#busy.size === 0) this.#started = false;
  }
}

/** One thread fewer than the machine has, so the event loop keeps a core; at least one. */
const pool = new BcryptPool(Math.max(1, availableParallelism() - 1));

/** Work queued under `queue` (the client's address) takes turns with other queues. */
export async function hashPassword(password: string, cost: number, queue = ''): Promise<string> {
  const hash = await pool.run({ op: 'hash', password, cost }, queue);
  if (typeof hash !== 'string') throw new Error('bcrypt hash failed');
  return hash;
}

export async function verifyPassword(password: string, hash: string, queue = ''): Promise<boolean> {
  return (await pool.run({ op: 'compare', password, hash }, queue)) === true;
}

/**
 * A hash to compare against when the username does not exist, so a missing account takes
 * as long to refuse as a wrong password.
 */
export function createDummyHash(cost: number): () => Promise<string> {
  let dummy: Promise<string> | undefined;
  return () => {
    dummy ??= hashPassword('not-a-real-password', cost);
    return dummy;
  };
}
