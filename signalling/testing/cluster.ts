import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from './harness';
import { type RedisServer, startRedisServer } from './redis-server';
import { type ServerProcess, startServer } from './server-process';

/** Two app instances on their own ports sharing one throwaway redis-server. */
export interface Cluster {
  redis: RedisServer;
  a: TestServer;
  b: TestServer;
  /** Environment every node of this cluster runs with. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startCluster(env: Record<string, string> = {}): Promise<Cluster> {
  const redis = await startRedisServer();
  const shared = { REDIS_URL: redis.url, PIN_SECRET: randomBytes(32).toString('hex'), ...env };
  const [a, b] = await Promise.all([
    startTestServer({ env: shared }),
    startTestServer({ env: shared }),
  ]);
  return {
    redis,
    a,
    b,
    env: shared,
    stop: async () => {
      await Promise.all([a.stop(), b.stop()]);
      await redis.stop();
    },
  };
}

/** One more node as a process of its own, so a test can kill it outright (SIGKILL). */
export async function startNodeProcess(
  env: Record<string, string>,
): Promise<ServerProcess & { crash(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lc-node-'));
  const node = await startServer(
    { ...env, DATA_DIR: dataDir, STATIC_DIR: join(dataDir, 'no-client'), BCRYPT_COST: '10' },
    { quiet: true },
  );
  return {
    ...node,
    stop: async (options) => {
      await node.stop(options);
      await rm(dataDir, { recursive: true, force: true });
    },
    crash: () => node.stop({ crash: true }),
  };
}
