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
import { type ServerProcess, startServer } from '../signalling/testing/server-process';
import { VIEWPORT } from './chromium';

export { expect };

export interface Server {
  url: string;
  /** Stops the server (its data stays); `crash` kills it without a graceful shutdown. */
  stop(options?: { crash?: boolean }): Promise<void>;
  /** Starts it again on the same port with the same data; nothing to do if it is running. */
  start(): Promise<void>;
  /** SIGSTOP: the process stays, its sockets stay open, and it answers nothing until `resume`. */
  pause(): void;
  resume(): void;
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
  beforeGoto?: (page: Page) => void | Promise<void>;
}

interface Fixtures {
  /** Signs up a new person with a unique username starting with `name`. */
  signUp: (name: string, options?: PersonOptions) => Promise<Person>;
}

const SERVER_START_TIMEOUT_MS = 30_000;

/** The real server with a throwaway data directory, serving the built client from dist/client. */
function startE2eServer(
  dataDir: string,
  extraEnv: Record<string, string>,
  port = 0,
): Promise<ServerProcess> {
  return startServer(
    {
      DATA_DIR: dataDir,
      STATIC_DIR: 'dist/client',
      BCRYPT_COST: '10',
      // Every test signs up fresh people from 127.0.0.1; the default budget suits real use.
      AUTH_LIMIT_PER_IP: '1000',
      // Every browser context connects from 127.0.0.1 too.
      CONNECTIONS_PER_IP: '1000',
      ...extraEnv,
    },
    { port, timeoutMs: SERVER_START_TIMEOUT_MS, quiet: true },
  );
}

let counter = 0;
export function uniqueName(prefix: string): string {
  counter += 1;
  const suffix = `${process.pid.toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
  return `${prefix}_${suffix}`.slice(0, 32);
}

/** Signs a new person up on the app at `baseURL`, in a browser context of their own. */
export async function newPerson(
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
  await options.beforeGoto?.(page);
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
      let running = await startE2eServer(dataDir, serverEnv);
      const server: Server = {
        url: running.url,
        stop: (options) => running.stop(options),
        pause: () => running.pause(),
        resume: () => running.resume(),
        start: async () => {
          if (running.child.exitCode === null && running.child.signalCode === null) return;
          running = await startE2eServer(dataDir, serverEnv, Number(new URL(server.url).port));
        },
      };
      await use(server);
      await running.stop();
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
