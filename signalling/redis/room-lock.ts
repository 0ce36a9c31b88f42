import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type JoinLock, KeyedLock } from '../realtime/keyed-lock';

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Longer than a join takes (a cross-node fetchSockets times out at 5 s); a dead holder frees it. */
const HOLD_MS = 10_000;
const WAIT_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Orders joins to one room across every node, as KeyedLock does within one: two people
 * joining at once on different nodes would otherwise each list the other in their ack (both
 * would dial, and each link would be replaced when the other's peer:joined arrives). Joins
 * queue in-process first, so only one per node and room waits on Redis.
 */
export class RedisJoinLock implements JoinLock {
  readonly #local = new KeyedLock();

  constructor(private readonly redis: Redis) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.#local.run(key, () => this.#global(`lc:lock:${key}`, task));
  }

  async #global<T>(lockKey: string, task: () => Promise<T>): Promise<T> {
    const token = randomUUID();
    const deadline = Date.now() + WAIT_MS;
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      if ((await this.redis.set(lockKey, token, 'PX', HOLD_MS, 'NX')) === 'OK') break;
      if (Date.now() > deadline) throw new Error(`join lock ${lockKey} stayed busy`);
      await sleep(delay * (0.5 + Math.random()));
    }
    try {
      return await task();
    } finally {
      await this.redis.eval(RELEASE, 1, lockKey, token);
    }
  }
}
