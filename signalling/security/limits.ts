import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { LimitsConfig } from '../config';

export interface LimiterOptions {
  keyPrefix: string;
  points: number;
  duration: number;
}

/**
 * Builds the limiters whose counts should be shared by every server process; a Redis-backed
 * factory (RateLimiterRedis with the same options) can replace the in-memory default.
 */
export type LimiterFactory = (options: LimiterOptions) => RateLimiterAbstract;

export const memoryLimiters: LimiterFactory = (options) => new RateLimiterMemory(options);

export interface Limits {
  /** Sign-ins per username, from pairs not known (auth/pair-gate.ts). */
  authUsername: RateLimiterAbstract;
  /** Sign-ins from pairs not known plus registrations, per address. */
  authIp: RateLimiterAbstract;
  /** Sign-in attempts per username and address pair, over a day. */
  authPair: RateLimiterAbstract;
  /** Closed for a pair's growing delay after each of its attempts beyond the free ones. */
  authPairGate: RateLimiterAbstract;
  /** Pairs whose username signed in (or registered) with the right password from that address. */
  authKnown: RateLimiterAbstract;
  pinRoom: RateLimiterAbstract;
  /** Not reset by a PIN rotation: it bounds guesses per day whatever the host does. */
  pinRoomDay: RateLimiterAbstract;
  /** Marks who joined a room with its current PIN (keyed by room, user and PIN). */
  pinKnown: RateLimiterAbstract;
  pinUser: RateLimiterAbstract;
  pinIp: RateLimiterAbstract;
  /** Per connection, so always in memory: a socket lives in one process. */
  socketEvents: RateLimiterAbstract;
  socketDrops: RateLimiterAbstract;
  config: LimitsConfig;
}

export const SOCKET_FLOOD_WINDOW_SECONDS = 10;
export const DAY_SECONDS = 24 * 3600;
/**
 * A pair that signed in with the right password stays known for three weeks after its last
 * success. Not longer: the in-memory limiter expires keys with setTimeout, whose ceiling is
 * 24.8 days (a longer duration fires at once).
 */
export const KNOWN_PAIR_SECONDS = 21 * DAY_SECONDS;
/** Never reached: a pair's attempts are slowed by delays, not stopped by a count. */
const PAIR_ATTEMPTS_MAX = 1_000_000_000;

export function createLimits(
  config: LimitsConfig,
  shared: LimiterFactory = memoryLimiters,
): Limits {
  return {
    authUsername: shared({
      keyPrefix: 'auth-user',
      points: config.authFailuresPerUsername,
      duration: config.authWindowSeconds,
    }),
    authIp: shared({
      keyPrefix: 'auth-ip',
      points: config.authAttemptsPerIp,
      duration: config.authWindowSeconds,
    }),
    authPair: shared({ keyPrefix: 'auth-pair', points: PAIR_ATTEMPTS_MAX, duration: DAY_SECONDS }),
    authPairGate: shared({ keyPrefix: 'auth-pair-gate', points: 1, duration: 1 }),
    authKnown: shared({ keyPrefix: 'auth-known', points: 1, duration: KNOWN_PAIR_SECONDS }),
    pinRoom: shared({
      keyPrefix: 'pin-room',
      points: config.pinFailuresPerRoom,
      duration: config.pinWindowSeconds,
    }),
    pinRoomDay: shared({
      keyPrefix: 'pin-room-day',
      points: config.pinFailuresPerRoomDay,
      duration: DAY_SECONDS,
    }),
    pinKnown: shared({ keyPrefix: 'pin-known', points: 1, duration: DAY_SECONDS }),
    pinUser: shared({
      keyPrefix: 'pin-user',
      points: config.pinFailuresPerUser,
      duration: config.pinWindowSeconds,
    }),
    pinIp: shared({
      keyPrefix: 'pin-ip',
      points: config.pinFailuresPerIp,
      duration: config.pinWindowSeconds,
    }),
    socketEvents: new RateLimiterMemory({
      keyPrefix: 'sock-ev',
      points: config.socketEventsPerSecond,
      duration: 1,
    }),
    socketDrops: new RateLimiterMemory({
      keyPrefix: 'sock-drop',
      points: config.socketFloodDisconnect,
      duration: SOCKET_FLOOD_WINDOW_SECONDS,
    }),
    config,
  };
}

export type Taken = { ok: true; consumed: number } | { ok: false; retryAfterSeconds: number };

/**
 * Counts one attempt before it is judged, so concurrent attempts cannot all slip past a
 * budget that is nearly spent; a successful attempt gives its point back with `refund`.
 */
export async function take(limiter: RateLimiterAbstract, key: string): Promise<Taken> {
  try {
    const res = await limiter.consume(key);
    return { ok: true, consumed: res.consumedPoints };
  } catch (err) {
    if (err instanceof RateLimiterRes) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
    }
    throw err;
  }
}

export async function refund(limiter: RateLimiterAbstract, key: string): Promise<void> {
  await limiter.reward(key, 1);
}

/** Points spent in the current window (0 when none). */
export async function spent(limiter: RateLimiterAbstract, key: string): Promise<number> {
  const res = await limiter.get(key);
  return res ? Math.min(res.consumedPoints, limiter.points) : 0;
}

/** "40 seconds", "3 minutes", "2 hours": a wait as people are told it, rounded up. */
export function waitText(seconds: number): string {
  if (seconds < 90) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  if (seconds < 90 * 60) return `${Math.ceil(seconds / 60)} minutes`;
  return `${Math.ceil(seconds / 3600)} hours`;
}
