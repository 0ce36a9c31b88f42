import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Account, api, registerUser } from '../testing/harness';
import { startServer } from '../testing/server-process';
import { DB_FILE, openLowdbStore } from './lowdb-store';

/**
 * Registrations kept in flight at once: each worker registers again as soon as its last one is
 * answered, so the server always has seconds of hashing queued and the kill lands mid-hash or
 * mid-write even when this test reads its answers late. (All 100 at once, the hashes finished
 * together, and on a busy machine every answer was out before the 10th was read.)
 */
const IN_FLIGHT = 30;
/** Killed once this many 201s are in. */
const KILL_AFTER = 10;
/** Each sign-in costs a bcrypt hash; the session check below already covers every account. */
const SIGN_INS = 10;

describe('kill -9 while accounts register', () => {
  it('leaves a valid database holding every account that got a 201', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lc-crash-'));
    const env = {
      DATA_DIR: dataDir,
      STATIC_DIR: join(dataDir, 'no-client'),
      BCRYPT_COST: '10',
      AUTH_LIMIT_PER_IP: '100000',
    };
    try {
      const first = await startServer(env, { quiet: true });
      const exited = new Promise((resolve) => first.child.once('exit', resolve));
      const confirmed: Account[] = [];
      let started = 0;
      let killed = false;
      const worker = async (): Promise<void> => {
        while (!killed) {
          started += 1;
          try {
            confirmed.push(await registerUser(new URL(first.url)));
          } catch {
            return; // the server is gone
          }
          if (confirmed.length >= KILL_AFTER && !killed) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      await exited;
      expect(confirmed.length).toBeGreaterThanOrEqual(KILL_AFTER);
      // Registrations were under way when it died: the crash hit work in progress.
      expect(started).toBeGreaterThan(confirmed.length);

      JSON.parse(await readFile(join(dataDir, DB_FILE), 'utf8'));
      const store = await openLowdbStore(dataDir);
      for (const a of confirmed) expect(await store.findUserById(a.user.id)).toBeDefined();

      const second = await startServer(env, { quiet: true });
      try {
        const base = new URL(second.url);
        // The cookie from each 201 still signs its owner in: account and session both survived.
        const sessions = await Promise.all(
          confirmed.map(
            async (a) => (await api(base, 'GET', '/api/auth/me', { cookie: a.cookie })).status,
          ),
        );
        expect(sessions).toEqual(confirmed.map(() => 200));
        const logins = await Promise.all(
          confirmed.slice(-SIGN_INS).map(async (a) => {
            const body = { username: a.username, password: a.password };
            return (await api(base, 'POST', '/api/auth/login', { body })).status;
          }),
        );
        expect(logins).toEqual(logins.map(() => 200));
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
