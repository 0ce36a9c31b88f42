import type { Config } from './config';
import type { Logger } from './log';
import { type JoinLock, KeyedLock } from './realtime/keyed-lock';
import type { LcServer } from './realtime/types';
import { loadPinSecret } from './rooms/pin-secret';
import { type LimiterFactory, memoryLimiters } from './security/limits';
import { openLowdbStore } from './store/lowdb-store';
import type { Store } from './store/types';

/** Where state lives: one node's DATA_DIR (default) or Redis shared by several nodes. */
export interface Backend {
  store: Store;
  /** The key behind room PINs; every node of one deployment must hold the same. */
  pinSecret: Buffer;
  /** Counters for the sign-in and PIN budgets. */
  limiters: LimiterFactory;
  /** Orders joins to one room. */
  joinLock: JoinLock;
  /** Connects the socket server to the other nodes, if there are any. */
  attach(io: LcServer): void;
  /** Called before this node's sockets close on a clean stop (they may resume elsewhere). */
  shuttingDown(): void;
  /** Flushes and disconnects; the app calls it last, after sockets are closed. */
  close(): Promise<void>;
}

export async function openBackend(config: Config, log: Logger, store?: Store): Promise<Backend> {
  if (config.redisUrl !== undefined) {
    // Imported only here, so a single node never loads ioredis and the Redis adapter.
    const { openRedisBackend } = await import('./redis/backend');
    return openRedisBackend(config.redisUrl, config, log, store);
  }
  const lowdb = store ?? (await openLowdbStore(config.dataDir));
  return {
    store: lowdb,
    pinSecret: config.pinSecret ?? (await loadPinSecret(config.dataDir)),
    limiters: memoryLimiters,
    joinLock: new KeyedLock(),
    attach: () => undefined,
    shuttingDown: () => undefined,
    close: () => lowdb.flush(),
  };
}
