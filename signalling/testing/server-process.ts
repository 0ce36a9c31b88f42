import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The real server (`signalling/index.ts`) in a process of its own, for e2e tests and benchmarks. */
export interface ServerProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  child: ChildProcess;
  /** Resident memory of the server process (one process: node runs tsx as an import hook). */
  rssBytes(): number;
  /** SIGTERM (a clean shutdown) or, with `crash`, SIGKILL to the whole process group. */
  stop(options?: { crash?: boolean }): Promise<void>;
  /** SIGSTOP to the group: the server keeps its sockets open but answers nothing. */
  pause(): void;
  /** SIGCONT: it carries on where it stopped. */
  resume(): void;
}

export interface StartServerOptions {
  /** 0, the default, lets the system pick; a fixed port restarts a server where it was. */
  port?: number;
  timeoutMs?: number;
  /** Drops the server's warnings too, instead of passing them on to stderr. */
  quiet?: boolean;
}

const LISTENING = /LiveConnect listening on (http:\/\/[^\s"]+)/;
const PINO_WARN = 40;

/**
 * Starts the server on 127.0.0.1 and resolves once its log says where it listens. It runs at
 * LOG_LEVEL info so that line is written; lines at warn and above are passed on to stderr unless
 * `quiet`, and the rest is drained, so a chatty server never blocks on a full pipe. It runs in its own
 * process group, so stopping it also stops anything it spawned.
 */
export async function startServer(
  env: Record<string, string>,
  options: StartServerOptions = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'signalling/index.ts'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // Not NODE_ENV=test: lowdb's presets then keep the database in memory only.
      LOG_LEVEL: 'info',
      ...env,
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
    },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(
      () => reject(new Error(`server did not report its URL in time:\n${log}`)),
      options.timeoutMs ?? 30_000,
    );
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      const match = LISTENING.exec(log);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(match[1]);
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${log}`));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  }).finally(() => {
    child.stdout?.removeAllListeners('data');
    child.stderr?.removeAllListeners('data');
  });
  passOnWarnings(child, options.quiet ?? false);
  return {
    url,
    child,
    rssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
      return kb * 1024;
    },
    stop: ({ crash = false } = {}) => stopGroup(child, crash ? 'SIGKILL' : 'SIGTERM'),
    pause: () => signalGroup(child, 'SIGSTOP'),
    resume: () => signalGroup(child, 'SIGCONT'),
  };
}

/** Keeps reading both pipes; writes the lines worth a person's attention to stderr. */
function passOnWarnings(child: ChildProcess, quiet: boolean): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (quiet) {
      stream?.resume();
      continue;
    }
    let rest = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (!isBelowWarn(line)) process.stderr.write(`${line}\n`);
    });
  }
}

function isBelowWarn(line: string): boolean {
  if (line.trim() === '') return true;
  try {
    const level: unknown = JSON.parse(line).level;
    return typeof level === 'number' && level < PINO_WARN;
  } catch {
    return false;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, signal);
}

async function stopGroup(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const { pid } = child;
  if (child.exitCode !== null || child.signalCode !== null || pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-pid, signal);
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-pid, 'SIGKILL');
  }, 5000);
  await exited;
  clearTimeout(timer);
}
