import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBackend } from './backend';
import { loadConfig } from './config';
import { createLogger } from './log';
import { PIN_SECRET_FILE } from './rooms/pin-secret';
import { DB_FILE } from './store/lowdb-store';
import { freePort, type RedisServer, redisMissing, startRedisServer } from './testing/redis-server';

const log = createLogger('silent');
const KEY = Buffer.alloc(32, 0x5a);

/** Starts and stops an app in a fresh process and prints which Redis modules it loaded. */
const PROBE = `
import { createRequire } from 'node:module';
const { createApp } = await import('./signalling/app.ts');
const { loadConfig } = await import('./signalling/config.ts');
const app = await createApp(loadConfig({ DATA_DIR: process.env.PROBE_DIR, LOG_LEVEL: 'silent' }));
await app.close();
const loaded = Object.keys(createRequire(import.meta.url).cache);
console.log(JSON.stringify(loaded.filter((k) => /ioredis|redis-adapter/.test(k))));
`;

describe('the lowdb backend', () => {
  it('creates DATA_DIR 0700 and writes the database and the PIN secret 0600', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'lc-backend-'));
    const dataDir = join(parent, 'data');
    try {
      const backend = await openBackend(loadConfig({ DATA_DIR: dataDir }), log);
      await backend.store.createUser({
        id: 'u1',
        username: 'someone',
        passwordHash: 'x',
        createdAt: new Date(0).toISOString(),
      });
      await backend.close();
      const mode = async (path: string) => (await stat(path)).mode & 0o777;
      expect(await mode(dataDir)).toBe(0o700);
      expect(await mode(join(dataDir, DB_FILE))).toBe(0o600);
      expect(await mode(join(dataDir, PIN_SECRET_FILE))).toBe(0o600);

      // A database an older version left readable by others is made owner-only on open.
      await chmod(join(dataDir, DB_FILE), 0o644);
      const again = await openBackend(loadConfig({ DATA_DIR: dataDir }), log);
      expect(await mode(join(dataDir, DB_FILE))).toBe(0o600);
      expect(await again.store.findUserById('u1')).toMatchObject({ username: 'someone' });
      await again.close();
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('loads neither ioredis nor the Redis adapter', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lc-backend-'));
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '--eval', PROBE],
        { env: { ...process.env, PROBE_DIR: dir } },
      );
      expect(JSON.parse(stdout)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('takes PIN_SECRET instead of creating DATA_DIR/pin-secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lc-backend-'));
    try {
      const config = loadConfig({ DATA_DIR: dir, PIN_SECRET: KEY.toString('hex') });
      const backend = await openBackend(config, log);
      expect(backend.pinSecret).toEqual(KEY);
      expect(existsSync(join(dir, PIN_SECRET_FILE))).toBe(false);
      await backend.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(redisMissing !== undefined)(
  `the Redis backend${redisMissing ? ` (skipped: ${redisMissing})` : ''}`,
  () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(() => redis?.stop());

    const open = (env: Record<string, string> = {}) =>
      openBackend(loadConfig({ REDIS_URL: redis.url, ...env }), log);

    it('gives nodes starting together one PIN secret, and refuses a node with another', async () => {
      const nodes = await Promise.all([open(), open(), open()]);
      const [first] = nodes;
      for (const node of nodes) expect(node.pinSecret).toEqual(first?.pinSecret);
      const same = await open({ PIN_SECRET: first?.pinSecret.toString('base64') ?? '' });
      expect(same.pinSecret).toEqual(first?.pinSecret);
      await expect(open({ PIN_SECRET: KEY.toString('hex') })).rejects.toThrow(/PIN_SECRET differs/);
      await Promise.all([...nodes, same].map((n) => n.close()));
    });

    it('stops the start with a clear error when Redis cannot be reached', async () => {
      const url = `redis://127.0.0.1:${await freePort()}`;
      await expect(openBackend(loadConfig({ REDIS_URL: url }), log)).rejects.toThrow(
        /cannot reach Redis/,
      );
    });
  },
);
