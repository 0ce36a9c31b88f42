import { RateLimiterRes } from 'rate-limiter-flexible';
import { type Limits, refund, type Taken, take } from '../security/limits';

/** Attempts a username and address pair has per day before each next one must wait. */
export const PAIR_FREE_ATTEMPTS = 5;
/** The longest a pair ever waits between two attempts: a delay, never a lock. */
export const PAIR_MAX_DELAY_SECONDS = 120;

/** The wait after a pair's `n`th attempt of the day: none, then 1, 2, 4 … seconds, capped. */
export function pairDelaySeconds(n: number): number {
  if (n <= PAIR_FREE_ATTEMPTS) return 0;
  return Math.min(PAIR_MAX_DELAY_SECONDS, 2 ** (n - PAIR_FREE_ATTEMPTS - 1));
}

/** Usernames are `[A-Za-z0-9_.-]`, so `@` cannot occur in one. */
export const pairKey = (username: string, address: string): string =>
  `${username.toLowerCase()}@${address}`;

/**
 * Counts a pair's attempt before it is judged. Past the free ones, an attempt passes only once
 * the delay set by the pair's previous attempt has run out, and sets the next one; the gate
 * admits one attempt per delay however many arrive at once. A refused attempt is not counted.
 */
export async function passPairGate(limits: Limits, pair: string): Promise<Taken> {
  const counted = await take(limits.authPair, pair);
  if (!counted.ok) return counted;
  const delay = pairDelaySeconds(counted.consumed);
  if (delay === 0) return counted;
  try {
    await limits.authPairGate.consume(pair, 1, { customDuration: delay });
    return counted;
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    await refund(limits.authPair, pair);
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
  }
}
