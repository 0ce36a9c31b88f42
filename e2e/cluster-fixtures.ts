import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';
import { type RedisServer, startRedisServer } from '../signalling/testing/redis-server';
import { type ServerProcess, startServer } from '../signalling/testing/server-process';
import { expect, newPerson, type Person } from './fixtures';

export { expect };

export type Node = 'a' | 'b';

/** Two server processes sharing one redis-server: a deployment of several nodes in small. */
export interface Cluster {
  urls: Record<Node, string>;
}

interface Fixtures {
  /** Signs up a new person through one node; everything they do then goes through it. */
  signUpOn: (node: Node, name: string) => Promise<Person>;
}

/** The cluster variant of ./fixtures: same people and helpers, each on a node of its choosing. */
export const test = base.extend<Fixtures, { cluster: Cluster }>({
  cluster: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright requires the destructuring.
    async ({}, use) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'lc-e2e-cluster-'));
      let redis: RedisServer | undefined;
      const nodes: ServerProcess[] = [];
      try {
        redis = await startRedisServer();
        const env = {
          REDIS_URL: redis.url,
          PIN_SECRET: randomBytes(32).toString('hex'),
          DATA_DIR: dataDir,
          STATIC_DIR: 'dist/client',
          BCRYPT_COST: '10',
          AUTH_LIMIT_PER_IP: '1000',
          CONNECTIONS_PER_IP: '1000',
        };
        for (let i = 0; i < 2; i += 1) nodes.push(await startServer(env, { quiet: true }));
        const [a, b] = nodes;
        await use({ urls: { a: a?.url ?? '', b: b?.url ?? '' } });
      } finally {
        await Promise.all(nodes.map((n) => n.stop()));
        await redis?.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  signUpOn: async ({ browser, cluster }, use) => {
    const people: Person[] = [];
    await use(async (node, name) => {
      const person = await newPerson(browser, cluster.urls[node], name);
      people.push(person);
      return person;
    });
    await Promise.all(people.map((p) => p.context.close()));
  },
});
