import { createHash, randomBytes } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { User } from '../../shared/http';
import type { Store } from '../store/types';

export const SESSION_COOKIE = 'lc_session';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface ResolvedSession {
  user: User;
  tokenHash: string;
}

/** Told of every session this service deleted, whatever request deleted it. */
export type SessionsRemoved = (tokenHashes: string[]) => void;

export interface SessionService {
  /** A new session; the user's oldest beyond the cap are deleted, their hashes in `revoked`. */
  create(
    userId: string,
  ): Promise<{ token: string; tokenHash: string; expiresAt: number; revoked: string[] }>;
  /** The signed-in user for a Cookie header, or undefined; an expired session is deleted. */
  fromCookieHeader(header: string | undefined): Promise<ResolvedSession | undefined>;
  resolveHash(tokenHash: string): Promise<ResolvedSession | undefined>;
  revoke(tokenHash: string): Promise<void>;
  /** Deletes expired sessions and returns their hashes. */
  prune(): Promise<string[]>;
  /**
   * Sets the one listener for deleted sessions (sign-out, the cap per account, expiry found
   * by any request or by prune), so their sockets can be cut wherever the deletion happened.
   */
  onRemoved(listener: SessionsRemoved): void;
}

export function tokenFromCookieHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const token = parseCookie(header)[SESSION_COOKIE];
  return token !== undefined && TOKEN_PATTERN.test(token) ? token : undefined;
}

export function createSessionService(
  store: Store,
  ttlSeconds: number,
  maxPerUser = Number.POSITIVE_INFINITY,
  now: () => number = Date.now,
): SessionService {
  let removed: SessionsRemoved = () => undefined;
  const report = (tokenHashes: string[]): void => {
    if (tokenHashes.length > 0) removed(tokenHashes);
  };
  const resolveHash = async (tokenHash: string): Promise<ResolvedSession | undefined> => {
    const session = await store.findSession(tokenHash);
    if (!session) return undefined;
    if (session.expiresAt <= now()) {
      await store.deleteSession(tokenHash);
      report([tokenHash]);
      return undefined;
    }
    const user = await store.findUserById(session.userId);
    if (!user) return undefined;
    return { user: { id: user.id, username: user.username }, tokenHash };
  };
  return {
    async create(userId) {
      const token = randomBytes(32).toString('base64url');
      const tokenHash = hashToken(token);
      const expiresAt = now() + ttlSeconds * 1000;
      const revoked = await store.createSession({ tokenHash, userId, expiresAt }, maxPerUser);
      report(revoked);
      return { token, tokenHash, expiresAt, revoked };
    },
    async fromCookieHeader(header) {
      const token = tokenFromCookieHeader(header);
      return token === undefined ? undefined : resolveHash(hashToken(token));
    },
    resolveHash,
    async revoke(tokenHash) {
      await store.deleteSession(tokenHash);
      report([tokenHash]);
    },
    async prune() {
      const expired = await store.deleteExpiredSessions(now());
      report(expired);
      return expired;
    },
    onRemoved(listener) {
      removed = listener;
    },
  };
}

export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return stringifySetCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: maxAgeSeconds,
  });
}

export function clearedSessionCookie(secure: boolean): string {
  return stringifySetCookie(SESSION_COOKIE, '', {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: 0,
  });
}
