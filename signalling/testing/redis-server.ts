import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway redis-server for tests: loopback, a free port, nothing written to disk. */
export interface RedisServer {
  url: string;
  port: number;
  /** Kills the server (SIGKILL with `crash`) and removes its directory. */
  stop(options?: { crash?: boolean }): Promise<void>;
}

/** Why Redis tests cannot run here, or undefined when redis-server is installed. */
export const redisMissing: string | undefined =
  spawnSync('redis-server', ['--version']).error === undefined
    ? undefined
    : 'redis-server is not installed (apt-get install redis-server; .ci/run installs it)';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const READY = /Ready to accept connections/;
const START_TIMEOUT_MS = 10_000;

export async function startRedisServer(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'lc-redis-'));
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await waitReady(child);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async ({ crash = false } = {}) => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill(crash ? 'SIGKILL' : 'SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function waitReady(child: ChildProcess): Promise<void> {
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start:\n${log}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (!READY.test(log)) return;
      clearTimeout(timer);
      for (const stream of [child.stdout, child.stderr]) stream?.off('data', onData).resume();
      resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}):\n${log}`));
    });
  });
}
