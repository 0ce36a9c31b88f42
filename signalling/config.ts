import { resolve } from 'node:path';
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LimitsConfig {
  authWindowSeconds: number;
  authFailuresPerUsername: number;
  authAttemptsPerIp: number;
  pinWindowSeconds: number;
  pinFailuresPerRoom: number;
  pinFailuresPerRoomDay: number;
  pinFailuresPerUser: number;
  pinFailuresPerIp: number;
  socketEventsPerSecond: number;
  socketFloodDisconnect: number;
}

export interface Config {
  port: number;
  host: string;
  /** Absolute path. */
  dataDir: string;
  /** An origin such as `https://watch.example.com`, or undefined for loopback use. */
  publicOrigin: string | undefined;
  /** Passed to express's 'trust proxy' setting as is. */
  trustProxy: boolean | number | string;
  sessionTtlSeconds: number;
  stunUrls: string[];
  turnUrls: string[];
  turnSecret: string | undefined;
  turnTtlSeconds: number;
  bcryptCost: number;
  logLevel: LogLevel;
  /** Absolute path. */
  staticDir: string;
  /** Set: users, sessions, rooms, rate limits and the socket adapter live in Redis (several nodes). */
  redisUrl: string | undefined;
  /** 32 bytes shared by every node; unset: DATA_DIR/pin-secret, or one created once in Redis. */
  pinSecret: Buffer | undefined;
  /** How long a room waits for its host to come back before it closes by itself. */
  hostGraceSeconds: number;
  /** Days a closed room is kept before it is deleted; 0: at the next sweep. */
  roomRetentionDays: number;
  limits: LimitsConfig;
}

export interface ConfigDoc {
  name: string;
  default: string;
  description: string;
  example: string;
}

export const CONFIG_DOCS: readonly ConfigDoc[] = [
  {
    name: 'PORT',
    default: '3000',
    description: 'TCP port to listen on; 0 picks a free one.',
    example: '3000',
  },
  { name: 'HOST', default: '0.0.0.0', description: 'Address to listen on.', example: '127.0.0.1' },
  {
    name: 'DATA_DIR',
    default: './data',
    description:
      'Directory for the database file (db.json) and the PIN secret (pin-secret); created on first start.',
    example: '/var/lib/liveconnect',
  },
  {
    name: 'PUBLIC_ORIGIN',
    default: '(unset)',
    description:
      'The origin people open in their browser. The socket refuses any other Origin, and the session cookie is Secure when this is https. Unset: http://localhost:<port> and http://127.0.0.1:<port> are accepted.',
    example: 'https://watch.example.com',
  },
  {
    name: 'TRUST_PROXY',
    default: 'false',
    description:
      "Express 'trust proxy' setting: true, false, a hop count, or a list of trusted addresses/subnets. Decides which client address the rate limits see.",
    example: 'loopback',
  },
  {
    name: 'SESSION_TTL',
    default: '2592000',
    description: 'Session lifetime in seconds (30 days).',
    example: '86400',
  },
  {
    name: 'STUN_URLS',
    default: '(empty)',
    description: 'Comma-separated STUN URLs handed to browsers.',
    example: 'stun:stun.example.com:3478',
  },
  {
    name: 'TURN_URLS',
    default: '(empty)',
    description:
      'Comma-separated TURN URLs handed to browsers with short-lived credentials; needs TURN_SECRET.',
    example: 'turn:turn.example.com:3478?transport=udp,turns:turn.example.com:5349',
  },
  {
    name: 'TURN_SECRET',
    default: '(unset)',
    description: "coturn's static-auth-secret, used to sign TURN REST credentials.",
    example: 'a-long-random-string',
  },
  {
    name: 'TURN_TTL',
    default: '3600',
    description: 'Lifetime of TURN credentials in seconds.',
    example: '3600',
  },
  {
    name: 'BCRYPT_COST',
    default: '12',
    description: 'bcrypt cost factor for passwords (10–15).',
    example: '12',
  },
  {
    name: 'LOG_LEVEL',
    default: 'info',
    description: `Log level: ${LOG_LEVELS.join(', ')}.`,
    example: 'info',
  },
  {
    name: 'STATIC_DIR',
    default: './dist/client',
    description:
      'The built client (vite build); served with index.html as the fallback for app routes.',
    example: './dist/client',
  },
  {
    name: 'REDIS_URL',
    default: '(unset)',
    description:
      'Redis for running several nodes behind a load balancer: users, sessions, rooms, rate limits and socket broadcasts are shared through it. Unset: one node, lowdb in DATA_DIR.',
    example: 'redis://redis.internal:6379/0',
  },
  {
    name: 'PIN_SECRET',
    default: '(unset)',
    description:
      'The key that protects room PINs, as 64 hex digits or base64 of 32 bytes; give every node the same one. Unset: DATA_DIR/pin-secret with lowdb, or a key created once in Redis with REDIS_URL (it then sits beside the data it protects).',
    example: '5f0c7a1e9b3d2c4a6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f',
  },
  {
    name: 'HOST_GRACE_SECONDS',
    default: '600',
    description:
      'Seconds a room waits for its host once the host has left (closed the tab, lost the connection, pressed Leave room). Guests keep chatting and are told when the room will close; the host coming back with the same account within it takes over again, playback included; past it the room closes by itself and everyone is sent to the lobby. Ten minutes covers a crashed browser, a closed tab or a restarted laptop without keeping guests in a room nobody returns to. A server shutdown does not start it, and a room whose host never came stays open.',
    example: '600',
  },
  {
    name: 'ROOM_RETENTION_DAYS',
    default: '30',
    description:
      'Days a closed room (its name, host ID and sealed PIN) is kept before it is deleted; 0 deletes it at the next sweep. Every node sweeps once a minute. Joining a deleted room gets the same "no room has that ID" as any unknown ID. Rooms closed before closing times were recorded count from their creation.',
    example: '7',
  },
  {
    name: 'AUTH_WINDOW',
    default: '900',
    description: 'Window in seconds for the sign-in limits below.',
    example: '900',
  },
  {
    name: 'AUTH_LIMIT_PER_USERNAME',
    default: '10',
    description:
      'Failed sign-ins allowed per username per AUTH_WINDOW; then 429 until the window ends.',
    example: '10',
  },
  {
    name: 'AUTH_LIMIT_PER_IP',
    default: '50',
    description: 'Failed sign-ins plus registrations allowed per client address per AUTH_WINDOW.',
    example: '50',
  },
  {
    name: 'PIN_WINDOW',
    default: '900',
    description: 'Window in seconds for the wrong-PIN budgets below.',
    example: '900',
  },
  {
    name: 'PIN_LIMIT_PER_ROOM',
    default: '10',
    description:
      'Wrong PINs a room accepts per PIN_WINDOW from anyone; then only its host and people who already joined with the current PIN get in, until the window ends or the host rotates the PIN.',
    example: '10',
  },
  {
    name: 'PIN_LIMIT_PER_ROOM_DAY',
    default: '250',
    description:
      'Wrong PINs a room accepts per 24 hours from anyone, not reset by a PIN rotation; then only its host and people who already joined with the current PIN get in (docs/security.md).',
    example: '250',
  },
  {
    name: 'PIN_LIMIT_PER_USER',
    default: '20',
    description: 'Wrong PINs or unknown room IDs per user per PIN_WINDOW.',
    example: '20',
  },
  {
    name: 'PIN_LIMIT_PER_IP',
    default: '30',
    description: 'Wrong PINs or unknown room IDs per client address per PIN_WINDOW.',
    example: '30',
  },
  {
    name: 'SOCKET_EVENTS_PER_SECOND',
    default: '100',
    description:
      'Socket events one connection may send per second; more are dropped with a rate_limited error.',
    example: '100',
  },
  {
    name: 'SOCKET_FLOOD_DISCONNECT',
    default: '200',
    description: 'Dropped events within 10 seconds after which the connection is cut.',
    example: '200',
  },
];

const blankToUndefined = (v: unknown): unknown =>
  typeof v === 'string' && v.trim() === '' ? undefined : v;

const integer = (min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
      .transform(Number)
      .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .optional(),
  );

const text = () => z.preprocess(blankToUndefined, z.string().trim().optional());

const urlList = (schemes: RegExp) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((u) => u.trim())
          .filter((u) => u !== ''),
      )
      .pipe(z.array(z.string().regex(schemes, 'has a URL with the wrong scheme')))
      .optional(),
  );

const origin = z.preprocess(
  blankToUndefined,
  z
    .url({ protocol: /^https?$/, error: 'must be an http(s) origin' })
    .refine((u) => new URL(u).pathname === '/', 'must be an origin without a path')
    .transform((u) => new URL(u).origin)
    .optional(),
);

const trustProxy = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .transform((s): boolean | number | string => {
      if (s === 'true') return true;
      if (s === 'false') return false;
      return /^\d+$/.test(s) ? Number(s) : s;
    })
    .optional(),
);

const redisUrl = z.preprocess(
  blankToUndefined,
  z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
);

const PIN_SECRET_BYTES = 32;

/** 64 hex digits or base64(url) of 32 bytes: what `openssl rand -hex 32` or `-base64 32` prints. */
const pinSecret = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .regex(
      /^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/,
      'must be 64 hex digits or base64 of 32 random bytes',
    )
    .transform((s) => Buffer.from(s, s.length === 64 ? 'hex' : 'base64'))
    .refine((b) => b.length === PIN_SECRET_BYTES, 'must decode to 32 bytes')
    .optional(),
);

const SECONDS_MAX = 10 * 365 * 24 * 3600;
const COUNT_MAX = 1_000_000;

export const configEnvSchema = z.object({
  PORT: integer(0, 65535),
  HOST: text(),
  DATA_DIR: text(),
  PUBLIC_ORIGIN: origin,
  TRUST_PROXY: trustProxy,
  SESSION_TTL: integer(1, SECONDS_MAX),
  STUN_URLS: urlList(/^stuns?:/),
  TURN_URLS: urlList(/^turns?:/),
  TURN_SECRET: text(),
  TURN_TTL: integer(60, 7 * 24 * 3600),
  BCRYPT_COST: integer(10, 15),
  LOG_LEVEL: z.preprocess(blankToUndefined, z.enum(LOG_LEVELS).optional()),
  STATIC_DIR: text(),
  REDIS_URL: redisUrl,
  PIN_SECRET: pinSecret,
  HOST_GRACE_SECONDS: integer(1, SECONDS_MAX),
  ROOM_RETENTION_DAYS: integer(0, 3650),
  AUTH_WINDOW: integer(1, SECONDS_MAX),
  AUTH_LIMIT_PER_USERNAME: integer(1, COUNT_MAX),
  AUTH_LIMIT_PER_IP: integer(1, COUNT_MAX),
  PIN_WINDOW: integer(1, SECONDS_MAX),
  PIN_LIMIT_PER_ROOM: integer(1, COUNT_MAX),
  PIN_LIMIT_PER_ROOM_DAY: integer(1, COUNT_MAX),
  PIN_LIMIT_PER_USER: integer(1, COUNT_MAX),
  PIN_LIMIT_PER_IP: integer(1, COUNT_MAX),
  SOCKET_EVENTS_PER_SECOND: integer(1, COUNT_MAX),
  SOCKET_FLOOD_DISCONNECT: integer(1, COUNT_MAX),
});

function exampleFor(name: string): string {
  const doc = CONFIG_DOCS.find((d) => d.name === name);
  return doc ? ` (for example ${name}=${doc.example})` : '';
}

/** Parses the environment once; throws one message naming every bad variable and a valid value. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = configEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      return `${name}: ${issue.message}${exampleFor(name)}`;
    });
    throw new Error(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const turnUrls = e.TURN_URLS ?? [];
  if (turnUrls.length > 0 && e.TURN_SECRET === undefined) {
    throw new Error(
      `Invalid configuration:\n  TURN_SECRET: required when TURN_URLS is set${exampleFor('TURN_SECRET')}`,
    );
  }
  return {
    port: e.PORT ?? 3000,
    host: e.HOST ?? '0.0.0.0',
    dataDir: resolve(e.DATA_DIR ?? './data'),
    publicOrigin: e.PUBLIC_ORIGIN,
    trustProxy: e.TRUST_PROXY ?? false,
    sessionTtlSeconds: e.SESSION_TTL ?? 2_592_000,
    stunUrls: e.STUN_URLS ?? [],
    turnUrls,
    turnSecret: e.TURN_SECRET,
    turnTtlSeconds: e.TURN_TTL ?? 3600,
    bcryptCost: e.BCRYPT_COST ?? 12,
    logLevel: e.LOG_LEVEL ?? 'info',
    staticDir: resolve(e.STATIC_DIR ?? './dist/client'),
    redisUrl: e.REDIS_URL,
    pinSecret: e.PIN_SECRET,
    hostGraceSeconds: e.HOST_GRACE_SECONDS ?? 600,
    roomRetentionDays: e.ROOM_RETENTION_DAYS ?? 30,
    limits: {
      authWindowSeconds: e.AUTH_WINDOW ?? 900,
      authFailuresPerUsername: e.AUTH_LIMIT_PER_USERNAME ?? 10,
      authAttemptsPerIp: e.AUTH_LIMIT_PER_IP ?? 50,
      pinWindowSeconds: e.PIN_WINDOW ?? 900,
      pinFailuresPerRoom: e.PIN_LIMIT_PER_ROOM ?? 10,
      pinFailuresPerRoomDay: e.PIN_LIMIT_PER_ROOM_DAY ?? 250,
      pinFailuresPerUser: e.PIN_LIMIT_PER_USER ?? 20,
      pinFailuresPerIp: e.PIN_LIMIT_PER_IP ?? 30,
      socketEventsPerSecond: e.SOCKET_EVENTS_PER_SECOND ?? 100,
      socketFloodDisconnect: e.SOCKET_FLOOD_DISCONNECT ?? 200,
    },
  };
}
