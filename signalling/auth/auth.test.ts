import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '../../shared/errors';
import { userReplySchema } from '../../shared/http';
import {
  api,
  connectSocket,
  handshakeOutcome,
  registerUser,
  sessionCookieOf,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
  uniqueUsername,
  until,
} from '../testing/harness';
import { PAIR_FREE_ATTEMPTS, PAIR_MAX_DELAY_SECONDS, pairDelaySeconds } from './pair-gate';
import { bcryptLoad } from './passwords';

async function errorCode(res: Response): Promise<string> {
  return errorEnvelopeSchema.parse(await res.json()).error.code;
}

describe('accounts', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('registers, signs in at once, and answers /me', async () => {
    const username = uniqueUsername('Alice');
    const res = await api(server.url, 'POST', '/api/auth/register', {
      body: { username, password: TEST_PASSWORD },
    });
    expect(res.status).toBe(201);
    const { user } = userReplySchema.parse(await res.json());
    expect(user.username).toBe(username);
    const cookie = sessionCookieOf(res);
    const me = await api(server.url, 'GET', '/api/auth/me', { cookie });
    expect(me.status).toBe(200);
    expect(userReplySchema.parse(await me.json()).user).toEqual(user);
  });

  it('sets an httpOnly, SameSite=Lax session cookie holding an opaque token', async () => {
    const res = await api(server.url, 'POST', '/api/auth/register', {
      body: { username: uniqueUsername(), password: TEST_PASSWORD },
    });
    const header = res.headers.getSetCookie().find((c) => c.startsWith('lc_session=')) ?? '';
    expect(header).toMatch(/HttpOnly/i);
    expect(header).toMatch(/SameSite=Lax/i);
    expect(header).toMatch(/Path=\//);
    expect(header).not.toMatch(/Secure/i);
    expect(header).toMatch(/^lc_session=[A-Za-z0-9_-]{43};/);
  });

  it('refuses the most common passwords with weak_password and keeps nothing', async () => {
    const username = uniqueUsername('weak');
    for (const password of ['password1', 'letmein123', '12345678', 'qwertyuiop', `${username}1`]) {
      const res = await api(server.url, 'POST', '/api/auth/register', {
        body: { username, password },
      });
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe('weak_password');
    }
    const ok = await api(server.url, 'POST', '/api/auth/register', {
      body: { username, password: TEST_PASSWORD },
    });
    expect(ok.status).toBe(201);
  });

  it('refuses a taken username, case-insensitively', async () => {
    const a = await registerUser(server.url);
    const res = await api(server.url, 'POST', '/api/auth/register', {
      body: { username: a.username.toUpperCase(), password: TEST_PASSWORD },
    });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe('username_taken');
  });

  it.each([
    [{ username: 'ab', password: TEST_PASSWORD }],
    [{ username: 'has space', password: TEST_PASSWORD }],
    [{ username: 'x'.repeat(33), password: TEST_PASSWORD }],
    [{ username: 'fine_name', password: 'short' }],
    [{ username: 'fine_name', password: 'é'.repeat(37) }],
    [{ username: 'fine_name' }],
    [{}],
  ])('refuses an invalid registration %j with 400', async (body) => {
    const res = await api(server.url, 'POST', '/api/auth/register', { body });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('bad_request');
  });

  it('signs in with the right password, any case of the username, and not with a wrong one', async () => {
    const a = await registerUser(server.url);
    const ok = await api(server.url, 'POST', '/api/auth/login', {
      body: { username: a.username.toUpperCase(), password: a.password },
    });
    expect(ok.status).toBe(200);
    expect(userReplySchema.parse(await ok.json()).user.id).toBe(a.user.id);
    const wrong = await api(server.url, 'POST', '/api/auth/login', {
      body: { username: a.username, password: 'wrong password' },
    });
    expect(wrong.status).toBe(401);
    expect(await errorCode(wrong)).toBe('invalid_credentials');
    const nobody = await api(server.url, 'POST', '/api/auth/login', {
      body: { username: uniqueUsername('ghost'), password: TEST_PASSWORD },
    });
    expect(nobody.status).toBe(401);
    expect(await errorCode(nobody)).toBe('invalid_credentials');
  });

  it('logout revokes the session and cuts its sockets', async () => {
    const a = await registerUser(server.url);
    const socket = await connectSocket(server.url, a.cookie);
    const cut = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const out = await api(server.url, 'POST', '/api/auth/logout', { cookie: a.cookie });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/lc_session=;.*Max-Age=0/);
    expect(await cut).toBe('io server disconnect');
    expect((await api(server.url, 'GET', '/api/auth/me', { cookie: a.cookie })).status).toBe(401);
    await expect(connectSocket(server.url, a.cookie)).rejects.toThrow();
    expect(await handshakeOutcome(server.url, a.cookie)).toBe('unauthorized');
  });

  it('answers 401 without a session or with a forged one', async () => {
    expect((await api(server.url, 'GET', '/api/auth/me')).status).toBe(401);
    const forged = `lc_session=${'A'.repeat(43)}`;
    const res = await api(server.url, 'GET', '/api/auth/me', { cookie: forged });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('unauthorized');
  });
});

describe('session expiry', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { SESSION_TTL: '1' } });
  });
  afterAll(() => server.stop());

  /** Asks /me until the session has expired: that request is the one that deletes its record. */
  async function meUntilExpired(cookie: string): Promise<void> {
    for (;;) {
      const me = await api(server.url, 'GET', '/api/auth/me', { cookie });
      if (me.status === 401) return;
      expect(me.status).toBe(200);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('refuses an expired session over HTTP and on the socket', async () => {
    const a = await registerUser(server.url);
    expect((await api(server.url, 'GET', '/api/auth/me', { cookie: a.cookie })).status).toBe(200);
    await meUntilExpired(a.cookie);
    await expect(connectSocket(server.url, a.cookie)).rejects.toThrow();
    expect(await handshakeOutcome(server.url, a.cookie)).toBe('unauthorized');
  });

  it('cuts the live socket of a session that expired, whichever request found it expired', async () => {
    const a = await registerUser(server.url);
    const socket = await connectSocket(server.url, a.cookie);
    const cut = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    // An HTTP request, not the socket's own event and long before the minute's prune.
    await meUntilExpired(a.cookie);
    expect(await cut).toBe('io server disconnect');
  });
});

describe('sign-in limits', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({
      // Addresses from X-Forwarded-For, so one test can sign in from several.
      env: { AUTH_LIMIT_PER_USERNAME: '3', AUTH_LIMIT_PER_IP: '6', TRUST_PROXY: 'loopback' },
    });
  });
  afterEach(() => server.stop());

  /** Registration and the owner's sign-ins come from 127.0.0.1; strangers from elsewhere. */
  const login = (username: string, password: string, from?: string) =>
    api(server.url, 'POST', '/api/auth/login', {
      body: { username, password },
      headers: from === undefined ? {} : { 'x-forwarded-for': from },
    });

  it("locks a username for new pairs after AUTH_LIMIT_PER_USERNAME attempts, never for its owner's", async () => {
    const a = await registerUser(server.url);
    for (let i = 0; i < 3; i += 1) {
      expect((await login(a.username, 'wrong password', `203.0.113.${i}`)).status).toBe(401);
    }
    // A pair that never signed in is refused even with the right password, until the window ends.
    const locked = await login(a.username, a.password, '203.0.113.50');
    expect(locked.status).toBe(429);
    expect(await errorCode(locked)).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The owner, from where it registered, is judged on its own pair only.
    expect((await login(a.username, a.password)).status).toBe(200);
    expect((await login(a.username, 'wrong password')).status).toBe(401);
  });

  it('counts right passwords too: AUTH_LIMIT_PER_USERNAME new pairs, then growing waits per pair', async () => {
    const a = await registerUser(server.url);
    const statuses: number[] = [];
    for (const from of ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4']) {
      statuses.push((await login(a.username, a.password, from)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    // A known pair's own attempts (its first was above): the free ones, one more that sets the
    // first delay, then a wait.
    const own: number[] = [];
    for (let i = 0; i < PAIR_FREE_ATTEMPTS + 1; i += 1) {
      own.push((await login(a.username, a.password, '198.51.100.1')).status);
    }
    expect(own).toEqual([...Array(PAIR_FREE_ATTEMPTS).fill(200), 429]);
  });

  it('locks an address for new pairs after AUTH_LIMIT_PER_IP attempts, never for an owner there', async () => {
    const b = await registerUser(server.url);
    const c = await registerUser(server.url, undefined, undefined, '192.0.2.77');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push((await login(uniqueUsername('nobody'), 'wrong password')).status);
    }
    // One registration and five failures spend the six points.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Someone who never signed in from this address is refused; the owner who did is not.
    expect((await login(c.username, c.password)).status).toBe(429);
    expect((await login(b.username, b.password)).status).toBe(200);
    const reg = await api(server.url, 'POST', '/api/auth/register', {
      body: { username: uniqueUsername(), password: TEST_PASSWORD },
    });
    expect(reg.status).toBe(429);
  });

  /** Registers from 127.0.0.1 and keeps the browser's device cookie, as the browser would. */
  async function registerInBrowser() {
    const a = await registerUser(server.url);
    const res = await login(a.username, a.password);
    expect(res.status).toBe(200);
    const device = res.headers.getSetCookie().find((c) => c.startsWith('lc_device=')) ?? '';
    expect(device).toMatch(/HttpOnly/);
    return { ...a, device: device.split(';')[0] ?? '' };
  }

  const loginInBrowser = (username: string, password: string, device: string, from: string) =>
    api(server.url, 'POST', '/api/auth/login', {
      body: { username, password },
      cookie: device,
      headers: { 'x-forwarded-for': from },
    });

  it('signs the owner in from a new address in a browser it signed in with, whatever strangers spent', async () => {
    const a = await registerInBrowser();
    for (let i = 0; i < 3; i += 1) {
      expect((await login(a.username, 'wrong password', `203.0.113.${i}`)).status).toBe(401);
    }
    // A new network: without the browser's cookie, a pair not known, refused with the username's
    // budget spent; with it, the browser is the pair, known.
    expect((await login(a.username, a.password, '192.0.2.10')).status).toBe(429);
    expect((await loginInBrowser(a.username, a.password, a.device, '192.0.2.10')).status).toBe(200);
    // Still only with the password.
    expect(
      (await loginInBrowser(a.username, 'wrong password', a.device, '192.0.2.11')).status,
    ).toBe(401);
    // Another account's browser is no one's pair but its own.
    const b = await registerInBrowser();
    expect((await loginInBrowser(a.username, a.password, b.device, '192.0.2.12')).status).toBe(429);
  });

  it('slows the owner by a bounded delay when strangers share its address and guess its password', async () => {
    const a = await registerUser(server.url);
    for (let i = 0; i < PAIR_FREE_ATTEMPTS + 1; i += 1) {
      expect((await login(a.username, 'wrong password')).status).toBe(401);
    }
    const slowed = await login(a.username, a.password);
    expect(slowed.status).toBe(429);
    const wait = Number(slowed.headers.get('retry-after'));
    expect(wait).toBe(pairDelaySeconds(PAIR_FREE_ATTEMPTS + 1));
    expect((await slowed.json()).error.message).toBe('too many attempts; try again in 1 second');
    // Waiting out the delay the server named is all it takes.
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    expect((await login(a.username, a.password)).status).toBe(200);
  });

  /**
   * A server whose username budget a dozen guesses do not spend, an account on it, and those
   * guesses from as many addresses, resolved once every one's comparison is queued.
   */
  async function spreadFlood() {
    await server.stop();
    server = await startTestServer({
      env: { AUTH_LIMIT_PER_USERNAME: '100', TRUST_PROXY: 'loopback' },
    });
    const a = await registerUser(server.url);
    const flood = Array.from({ length: 12 }, (_, i) =>
      login(a.username, 'wrong password', `203.0.113.${i + 1}`),
    );
    // Each address is one queue of its own in the strangers' lane.
    await until(() => {
      const { running, waiting } = bcryptLoad().other;
      return running + waiting === flood.length;
    }, 30_000);
    return { a, flood };
  }

  it('signs the owner in ahead of a flood of guesses spread over many addresses', async () => {
    const { a, flood } = await spreadFlood();
    const owner = await login(a.username, a.password);
    expect(owner.status).toBe(200);
    // Served in turn per address, the owner would have waited for every one of them.
    expect(bcryptLoad().other.waiting).toBeGreaterThan(0);
    for (const res of await Promise.all(flood)) expect(res.status).toBe(401);
  }, 60_000);

  it('signs the owner in from an address it never used while a spread flood guesses at it', async () => {
    const { a, flood } = await spreadFlood();
    // A new network: a pair not known waits its turn in the strangers' lane (one comparison
    // per address ahead of it) and gets in, not a 429; the known pair at home meanwhile goes
    // ahead of them all.
    const [fromNewAddress, fromHome] = await Promise.all([
      login(a.username, a.password, '192.0.2.200'),
      login(a.username, a.password),
    ]);
    expect(fromNewAddress.status).toBe(200);
    expect(fromHome.status).toBe(200);
    for (const res of await Promise.all(flood)) expect(res.status).toBe(401);
  }, 60_000);

  it('signs the owner in from a new address in its own browser ahead of a spread flood', async () => {
    const { a, flood } = await spreadFlood();
    const res = await login(a.username, a.password);
    const device = res.headers.getSetCookie().find((c) => c.startsWith('lc_device=')) ?? '';
    const owner = await loginInBrowser(
      a.username,
      a.password,
      device.split(';')[0] ?? '',
      '192.0.2.201',
    );
    expect(owner.status).toBe(200);
    // In the strangers' lane it would have waited for every one of them.
    expect(bcryptLoad().other.waiting).toBeGreaterThan(0);
    for (const r of await Promise.all(flood)) expect(r.status).toBe(401);
  }, 60_000);

  it('refuses a username that does not exist without queueing bcrypt work', async () => {
    const a = await registerUser(server.url);
    // One real comparison gives the wait its length.
    expect((await login(a.username, 'wrong password')).status).toBe(401);
    let most = 0;
    const watch = setInterval(() => {
      const { running, waiting } = bcryptLoad().other;
      most = Math.max(most, running + waiting);
    }, 2);
    const missing = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        login(uniqueUsername('nobody'), 'wrong password', `198.51.100.${i + 1}`),
      ),
    );
    clearInterval(watch);
    for (const res of missing) expect(res.status).toBe(401);
    expect(most).toBe(0);
  });

  it("grows a pair's delay from 1 s, doubling, to at most PAIR_MAX_DELAY_SECONDS", () => {
    const delays = Array.from({ length: 20 }, (_, i) => pairDelaySeconds(i + 1));
    expect(delays.slice(0, PAIR_FREE_ATTEMPTS)).toEqual(Array(PAIR_FREE_ATTEMPTS).fill(0));
    expect(delays.slice(PAIR_FREE_ATTEMPTS, PAIR_FREE_ATTEMPTS + 4)).toEqual([1, 2, 4, 8]);
    expect(Math.max(...delays)).toBe(PAIR_MAX_DELAY_SECONDS);
    expect(delays.at(-1)).toBe(PAIR_MAX_DELAY_SECONDS);
  });
});

describe('sessions per account', () => {
  it('keeps at most SESSIONS_PER_USER: a sign-in ends the oldest and cuts its sockets', async () => {
    const server = await startTestServer({ env: { SESSIONS_PER_USER: '2' } });
    try {
      const a = await registerUser(server.url);
      const other = await registerUser(server.url);
      const oldest = await connectSocket(server.url, a.cookie);
      const cut = new Promise<string>((resolve) => oldest.once('disconnect', resolve));
      const signIn = async () => {
        const res = await api(server.url, 'POST', '/api/auth/login', {
          body: { username: a.username, password: a.password },
        });
        expect(res.status).toBe(200);
        return sessionCookieOf(res);
      };
      const second = await signIn();
      const me = (cookie: string) => api(server.url, 'GET', '/api/auth/me', { cookie });
      expect((await me(a.cookie)).status).toBe(200);
      const third = await signIn();
      expect(await cut).toBe('io server disconnect');
      expect((await me(a.cookie)).status).toBe(401);
      expect((await me(second)).status).toBe(200);
      expect((await me(third)).status).toBe(200);
      // Someone else's session is not theirs to end.
      expect((await me(other.cookie)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

describe('cookies behind https', () => {
  it('marks the cookie Secure when PUBLIC_ORIGIN is https', async () => {
    const server = await startTestServer({ env: { PUBLIC_ORIGIN: 'https://watch.example.com' } });
    try {
      const res = await api(server.url, 'POST', '/api/auth/register', {
        body: { username: uniqueUsername(), password: TEST_PASSWORD },
      });
      expect(res.status).toBe(201);
      expect(res.headers.getSetCookie().join()).toMatch(/; Secure/);
      expect(res.headers.get('strict-transport-security')).toBeTruthy();
    } finally {
      await server.stop();
    }
  });
});
