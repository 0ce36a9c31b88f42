import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  test as base,
  expect,
  type Page,
} from '@playwright/test';
import { VIEWPORT } from './chromium';

export { expect };

export interface Server {
  url: string;
  /** Stops the server (its data stays); `crash` kills it without a graceful shutdown. */
  stop(options?: { crash?: boolean }): Promise<void>;
  /** Starts it again on the same port with the same data; nothing to do if it is running. */
  start(): Promise<void>;
}

/** One person: a browser context of their own (own cookies), signed up and in the lobby. */
export interface Person {
  name: string;
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions seen on the page. */
  errors: string[];
}

export interface PersonOptions {
  /** Runs before the first navigation, e.g. to record WebSocket frames. */
  beforeGoto?: (page: Page) => void;
}

interface Fixtures {
  /** Signs up a new person with a unique username starting with `name`. */
  signUp: (name: string, options?: PersonOptions) => Promise<Person>;
}

const SERVER_START_TIMEOUT_MS = 30_000;

/**
 * Starts the real server (`tsx signalling/index.ts`) on an ephemeral port with a throwaway data
 * directory, serving the built client from dist/client. The URL is read from its log. It runs
 * in its own process group, so stopping it also stops anything it spawned.
 */
async function startServer(
  dataDir: string,
  extraEnv: Record<string, string>,
  port = 0,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn('node_modules/.bin/tsx', ['signalling/index.ts'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      STATIC_DIR: 'dist/client',
      BCRYPT_COST: '10',
      LOG_LEVEL: 'info',
      // Not NODE_ENV=test: lowdb's presets then keep the database in memory only.
      // Every test signs up fresh people from 127.0.0.1; the default budget suits real use.
      AUTH_LIMIT_PER_IP: '1000',
      ...extraEnv,
    },
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not report its URL in time:\n${log}`)),
      SERVER_START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      const match = /https?:\/\/(?:127\.0\.0\.1|localhost):\d+/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(match[0].replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${log}`));
    });
  });
  // Keep draining the pipes so a chatty server never blocks on a full buffer.
  child.stdout?.resume();
  child.stderr?.resume();
  return { url, child };
}

async function stopServer(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, signal);
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  }, 5000);
  await exited;
  clearTimeout(timer);
}

let counter = 0;
export function uniqueName(prefix: string): string {
  counter += 1;
  const suffix = `${process.pid.toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
  return `${prefix}_${suffix}`.slice(0, 32);
}

async function newPerson(
  browser: Browser,
  baseURL: string,
  prefix: string,
  options: PersonOptions = {},
): Promise<Person> {
  const context = await browser.newContext({ baseURL, viewport: VIEWPORT });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  options.beforeGoto?.(page);
  const name = uniqueName(prefix);
  await page.goto('/');
  await page.getByRole('textbox', { name: 'Username' }).fill(name);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('button', { name: 'Create room' })).toBeVisible();
  return { name, page, context, errors };
}

interface WorkerFixtures {
  server: Server;
  /** More environment for the worker's server, e.g. TURN settings; a spec overrides it. */
  serverEnv: Record<string, string>;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  serverEnv: [{}, { scope: 'worker', option: true }],
  server: [
    async ({ serverEnv }, use) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'lc-e2e-'));
      let running = await startServer(dataDir, serverEnv);
      const server: Server = {
        url: running.url,
        stop: ({ crash = false } = {}) => stopServer(running.child, crash ? 'SIGKILL' : 'SIGTERM'),
        start: async () => {
          if (running.child.exitCode === null && running.child.signalCode === null) return;
          running = await startServer(dataDir, serverEnv, Number(new URL(server.url).port));
        },
      };
      await use(server);
      await stopServer(running.child);
      rmSync(dataDir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: SERVER_START_TIMEOUT_MS + 10_000 },
  ],
  baseURL: async ({ server }, use) => {
    await use(server.url);
  },
  signUp: async ({ browser, server }, use) => {
    const people: Person[] = [];
    await use(async (name, options) => {
      const person = await newPerson(browser, server.url, name, options);
      people.push(person);
      return person;
    });
    await Promise.all(people.map((p) => p.context.close()));
  },
});
