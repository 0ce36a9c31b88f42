import { randomUUID } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import { credentialsSchema, type UserReply } from '../../shared/http';
import { HttpError, parseBody } from '../http/errors';
import type { Logger } from '../log';
import { KNOWN_PAIR_SECONDS, type Limits, take, waitText } from '../security/limits';
import type { Store } from '../store/types';
import type { DeviceCookies } from './device-cookie';
import { pairKey, passPairGate } from './pair-gate';
import { isWeakPassword } from './password-strength';
import { createMissingAccountWait, hashPassword, verifyPassword } from './passwords';
import { withUser } from './require-user';
import {
  clearedSessionCookie,
  hashToken,
  type SessionService,
  sessionCookie,
  tokenFromCookieHeader,
} from './sessions';

export interface AuthRouteDeps {
  store: Store;
  sessions: SessionService;
  devices: DeviceCookies;
  limits: Limits;
  bcryptCost: number;
  sessionTtlSeconds: number;
  secureCookies: boolean;
  log: Logger;
}

export function rateLimited(retryAfterSeconds: number): HttpError {
  return new HttpError(
    429,
    'rate_limited',
    `too many attempts; try again in ${waitText(retryAfterSeconds)}`,
    {
      'Retry-After': String(retryAfterSeconds),
    },
  );
}

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function authRouter(deps: AuthRouteDeps): Router {
  const { store, sessions, limits, log } = deps;
  const missingAccountWait = createMissingAccountWait(deps.bcryptCost);
  const router = Router();

  /** After the right password: a session, and this browser is recognised for the account. */
  const signIn = async (res: Response, userId: string): Promise<void> => {
    // The account's oldest sessions beyond SESSIONS_PER_USER go, and their sockets with them.
    const { token, revoked } = await sessions.create(userId);
    if (revoked.length > 0)
      log.info({ userId, revoked: revoked.length }, 'oldest sessions revoked');
    res.append('Set-Cookie', sessionCookie(token, deps.sessionTtlSeconds, deps.secureCookies));
    res.append('Set-Cookie', deps.devices.issue(userId));
  };

  router.post('/register', async (req, res) => {
    const { username, password } = parseBody(credentialsSchema, req.body);
    const byIp = await take(limits.authIp, clientIp(req));
    if (!byIp.ok) throw rateLimited(byIp.retryAfterSeconds);
    const taken = new HttpError(409, 'username_taken', 'that username is taken');
    if (await store.findUserByUsername(username)) throw taken;
    if (await isWeakPassword(password, username)) {
      throw new HttpError(
        400,
        'weak_password',
        'that password is one of the most common or too easy to guess; choose a longer one, such as a few unrelated words',
      );
    }
    const user = {
      id: randomUUID(),
      username,
      passwordHash: await hashPassword(password, deps.bcryptCost, clientIp(req)),
      createdAt: new Date().toISOString(),
    };
    if (!(await store.createUser(user))) throw taken;
    await limits.authKnown.set(pairKey(username, clientIp(req)), 1, KNOWN_PAIR_SECONDS);
    await signIn(res, user.id);
    log.info({ userId: user.id }, 'registered');
    const body: UserReply = { user: { id: user.id, username: user.username } };
    res.status(201).json(body);
  });

  router.post('/login', async (req, res) => {
    const { username, password } = parseBody(credentialsSchema, req.body);
    const ip = clientIp(req);
    const addressPair = pairKey(username, ip);
    const user = await store.findUserByUsername(username);
    // A browser that signed in to this account before is its own pair, from any address.
    const device = user && deps.devices.recognise(req.headers.cookie, user.id);
    const pair = device ? pairKey(username, `device:${device}`) : addressPair;
    // A right password from a pair already proven (docs/security.md, signing in) is judged on
    // that pair's own attempts alone, so strangers spending the username's or the address's
    // budgets cannot lock its owner out; any other pair spends both budgets as well.
    const known = device !== undefined || (await limits.authKnown.get(addressPair)) !== null;
    if (!known) {
      // Every attempt counts, whatever its outcome: a right password is no refund, so neither
      // bcrypt work nor new sessions can be had without bound from one address or for one account.
      const byIp = await take(limits.authIp, ip);
      if (!byIp.ok) throw rateLimited(byIp.retryAfterSeconds);
      const byName = await take(limits.authUsername, username.toLowerCase());
      if (!byName.ok) throw rateLimited(byName.retryAfterSeconds);
    }
    const byPair = await passPairGate(limits, pair);
    if (!byPair.ok) throw rateLimited(byPair.retryAfterSeconds);
    // A known pair's comparison goes ahead of the others' (auth/passwords.ts).
    const valid = user
      ? await verifyPassword(password, user.passwordHash, ip, known ? 'known' : 'other')
      : await missingAccountWait().then(() => false);
    if (!user || !valid) {
      // An address is personal data: it goes into the log only when an operator asks for debug.
      log.info(log.isLevelEnabled('debug') ? { ip } : {}, 'login failed');
      throw new HttpError(401, 'invalid_credentials', 'wrong username or password');
    }
    await limits.authKnown.set(addressPair, 1, KNOWN_PAIR_SECONDS);
    await signIn(res, user.id);
    log.info({ userId: user.id }, 'signed in');
    const body: UserReply = { user: { id: user.id, username: user.username } };
    res.json(body);
  });

  router.post('/logout', async (req, res) => {
    const token = tokenFromCookieHeader(req.headers.cookie);
    if (token !== undefined) await sessions.revoke(hashToken(token));
    res.append('Set-Cookie', clearedSessionCookie(deps.secureCookies));
    res.status(204).end();
  });

  router.get(
    '/me',
    withUser(sessions, async (_req, res, { user }) => {
      const body: UserReply = { user };
      res.json(body);
    }),
  );

  return router;
}
