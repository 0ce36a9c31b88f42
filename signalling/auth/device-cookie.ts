import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import { KNOWN_PAIR_SECONDS } from '../security/limits';

/**
 * A browser that signed in to an account with its password is recognised for that account
 * afterwards (a "device cookie", as OWASP suggests against lockouts), wherever it connects
 * from: the owner on a new network then signs in as a known pair (auth/routes.ts), ahead of
 * strangers' guesses at its username and outside their budgets. Only the last account a
 * browser signed in to is remembered. The cookie is not a credential: it never skips the
 * password, and its pair has the budget of any known pair (5 a day, then growing delays).
 */
export const DEVICE_COOKIE = 'lc_device';
/** As long as an address stays known after its last sign-in. */
export const DEVICE_SECONDS = KNOWN_PAIR_SECONDS;
/** `nonce.issuedAt.mac`: 16 random bytes, seconds since the epoch, an HMAC-SHA-256. */
const VALUE_PATTERN = /^([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

export class DeviceCookies {
  readonly #key: Buffer;

  constructor(
    secret: Buffer,
    private readonly secure: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.#key = Buffer.from(hkdfSync('sha256', secret, '', 'liveconnect device cookie', 32));
  }

  #mac(userId: string, nonce: string, issuedAt: string): Buffer {
    return createHmac('sha256', this.#key).update(`${userId}\n${nonce}\n${issuedAt}`).digest();
  }

  /** The Set-Cookie value for a browser that just proved it knows `userId`'s password. */
  issue(userId: string): string {
    const nonce = randomBytes(16).toString('base64url');
    const issuedAt = String(Math.floor(this.now() / 1000));
    const mac = this.#mac(userId, nonce, issuedAt).toString('base64url');
    return stringifySetCookie(DEVICE_COOKIE, `${nonce}.${issuedAt}.${mac}`, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.secure,
      path: '/api/auth',
      maxAge: DEVICE_SECONDS,
    });
  }

  /**
   * The browser's own name (its nonce) when the Cookie header carries a device cookie this
   * server issued for `userId` less than DEVICE_SECONDS ago, else undefined. Constant time.
   */
  recognise(cookieHeader: string | undefined, userId: string): string | undefined {
    if (!cookieHeader) return undefined;
    const match = VALUE_PATTERN.exec(parseCookie(cookieHeader)[DEVICE_COOKIE] ?? '');
    if (!match) return undefined;
    const [, nonce = '', issuedAt = '', mac = ''] = match;
    const age = this.now() / 1000 - Number(issuedAt);
    if (age < 0 || age > DEVICE_SECONDS) return undefined;
    const expected = this.#mac(userId, nonce, issuedAt);
    const actual = Buffer.from(mac, 'base64url');
    return actual.length === expected.length && timingSafeEqual(actual, expected)
      ? nonce
      : undefined;
  }
}
