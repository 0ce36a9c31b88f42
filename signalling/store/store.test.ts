import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { createLogger } from '../log';
import { connectRedis } from '../redis/connect';
import { type RedisServer, redisMissing, startRedisServer } from '../testing/redis-server';
import { storeContract } from '../testing/store-contract';
import { openLowdbStore } from './lowdb-store';
import { RedisStore } from './redis-store';

const log = createLogger('silent');

describe('the lowdb store', () => {
  storeContract(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lc-store-'));
    return {
      store: await openLowdbStore(dir),
      reopen: () => openLowdbStore(dir),
      close: () => rm(dir, { recursive: true, force: true }),
    };
  });
});

describe.skipIf(redisMissing !== undefined)(
  `the Redis store${redisMissing ? ` (skipped: ${redisMissing})` : ''}`,
  () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await startRedisServer();
    });
    afterAll(() => server?.stop());

    storeContract(async () => {
      // A key prefix per test keeps tests apart on one server.
      const prefix = `t${randomUUID()}:`;
      const clients: Redis[] = [await connectRedis(server.url, 'store-test', log)];
      return {
        store: new RedisStore(clients[0] as Redis, prefix),
        reopen: async () => {
          const client = await connectRedis(server.url, 'store-test', log);
          clients.push(client);
          return new RedisStore(client, prefix);
        },
        close: async () => {
          await Promise.all(clients.map((c) => c.quit()));
        },
      };
    });
  },
);
