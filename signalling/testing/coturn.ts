import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server';

/** A throwaway coturn for tests: loopback only, REST credentials (use-auth-secret), free ports. */
export interface Coturn {
  /** `turn:127.0.0.1:<port>?transport=udp` */
  url: string;
  secret: string;
  /** Everything it logged so far (a file: coturn buffers what it writes to a pipe). */
  log(): string;
  stop(): Promise<void>;
}

/** Why TURN tests cannot run here, or undefined when coturn is installed. */
export const coturnMissing: string | undefined =
  spawnSync('turnserver', ['--version']).error === undefined
    ? undefined
    : 'coturn is not installed (apt-get install coturn; .ci/run installs it)';

const READY = /Total General servers/;
const START_TIMEOUT_MS = 10_000;
const RELAY_PORTS = 40;

export async function startCoturn(): Promise<Coturn> {
  const dir = await mkdtemp(join(tmpdir(), 'lc-turn-'));
  const port = await freePort();
  // A random relay range, so parallel test files rarely share one.
  const minPort = randomInt(49152, 65535 - RELAY_PORTS);
  const secret = randomBytes(16).toString('hex');
  const logFile = join(dir, 'turn.log');
  // Foreground, no TLS, loopback peers allowed: right for tests on one machine, unsafe elsewhere.
  const child = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${minPort}`,
      `--max-port=${minPort + RELAY_PORTS}`,
      '--realm=liveconnect.test',
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--allow-loopback-peers',
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      '--fingerprint',
      `--userdb=${join(dir, 'turndb')}`,
      `--pidfile=${join(dir, 'turn.pid')}`,
      `--log-file=${logFile}`,
      '--simple-log',
      // Session lines (who allocated a relay) are logged only with --verbose.
      '--verbose',
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!READY.test(log())) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`turnserver did not start:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    secret,
    log,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
