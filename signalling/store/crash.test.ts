import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Account, api, registerUser } from '../testing/harness';
import { startServer } from '../testing/server-process';
import { DB_FILE, openLowdbStore } from './lowdb-store';

const ACCOUNTS = 100;
/**
 * Killed once this many 201s are in. The hashes run interleaved and finish together, so this
 * lands in the burst of writes and answers, with most accounts mid-hash or mid-write.
 */
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
      await Promise.all(
        Array.from({ length: ACCOUNTS }, () =>
          registerUser(new URL(first.url)).then(
            (account) => {
              confirmed.push(account);
              if (confirmed.length === KILL_AFTER) first.child.kill('SIGKILL');
            },
            () => undefined,
          ),
        ),
      );
      await exited;
      expect(confirmed.length).toBeGreaterThanOrEqual(KILL_AFTER);
      expect(confirmed.length).toBeLessThan(ACCOUNTS);

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
