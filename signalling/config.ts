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
  socketsPerUser: number;
  roomMaxMembers: number;
  openRoomsPerUser: number;
  sessionsPerUser: number;
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
  /** Hours a room whose host never entered it stays open. */
  roomUnusedHours: number;
  /** Open TCP connections one address may hold. */
  connectionsPerAddress: number;
  /** Open TCP connections in all; undefined: what the open-file limit leaves. */
  maxConnections: number | undefined;
  /** Seconds a connection has to deliver a complete request. */
  requestTimeoutSeconds: number;
  /** Requests (and WebSocket upgrades) per second one address may make, sustained. */
  requestRatePerAddress: number;
  /** Requests one address may make at once before its rate applies. */
  requestBurstPerAddress: number;
  limits: LimitsConfig;
}

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

/** A row of docs/configuration.md. */
export interface ConfigDoc {
  name: string;
  default: string;
  description: string;
  example: string;
}

/** One environment variable: how it parses, its default, and what the docs say of it. */
interface Variable<T> {
  /** Parses a set value; blank or unset gives the default. */
  schema: z.ZodType<T>;
  default: T;
  description: string;
  example: string;
}

interface VariableSpec<T> {
  schema: z.ZodType<T | undefined, unknown>;
  description: string;
  example: string;
}

/** Unset or blank gives `default`, typed by the schema alone ('info' stays a log level). */
function variable<T>(spec: VariableSpec<T> & { default: NoInfer<T> }): Variable<T> {
  return { ...spec, schema: spec.schema.transform((value) => value ?? spec.default) };
}

/** Unset or blank stays undefined. */
function optional<T>(spec: VariableSpec<T>): Variable<T | undefined> {
  return { ...spec, default: undefined };
}

function shownDefault(value: unknown): string {
  if (value === undefined) return '(unset)';
  if (Array.isArray(value) && value.length === 0) return '(empty)';
  return String(value);
}

/** Every variable the server reads, once: the parser and docs/configuration.md come from here. */
export const CONFIG_VARIABLES = {
  PORT: variable({
    schema: integer(0, 65535),
    default: 3000,
    description: 'TCP port to listen on; 0 picks a free one.',
    example: '3000',
  }),
  HOST: variable({
    schema: text(),
    default: '0.0.0.0',
    description: 'Address to listen on.',
    example: '127.0.0.1',
  }),
  DATA_DIR: variable({
    schema: text(),
    default: './data',
    description:
      'Directory for the database file (db.json) and the PIN secret (pin-secret); created on first start with mode 0700 (an existing directory keeps its mode), both files written 0600.',
    example: '/var/lib/liveconnect',
  }),
  PUBLIC_ORIGIN: optional({
    schema: origin,
    description:
      'The origin people open in their browser. The socket refuses any other Origin, and the session cookie is Secure when this is https. Unset: http://localhost:<port> and http://127.0.0.1:<port> are accepted.',
    example: 'https://watch.example.com',
  }),
  TRUST_PROXY: variable({
    schema: trustProxy,
    default: false,
    description:
      "Express 'trust proxy' setting: true, false, a hop count, or a list of trusted addresses/subnets. Decides which client address the rate limits see.",
    example: 'loopback',
  }),
  SESSION_TTL: variable({
    schema: integer(1, SECONDS_MAX),
    default: 2_592_000,
    description: 'Session lifetime in seconds (30 days).',
    example: '86400',
  }),
  STUN_URLS: variable({
    schema: urlList(/^stuns?:/),
    default: [],
    description: 'Comma-separated STUN URLs handed to browsers.',
    example: 'stun:stun.example.com:3478',
  }),
  TURN_URLS: variable({
    schema: urlList(/^turns?:/),
    default: [],
    description:
      'Comma-separated TURN URLs handed to browsers with short-lived credentials; needs TURN_SECRET.',
    example: 'turn:turn.example.com:3478?transport=udp,turns:turn.example.com:5349',
  }),
  TURN_SECRET: optional({
    schema: text(),
    description: "coturn's static-auth-secret, used to sign TURN REST credentials.",
    example: 'a-long-random-string',
  }),
  TURN_TTL: variable({
    schema: integer(60, 7 * 24 * 3600),
    default: 3600,
    description: 'Lifetime of TURN credentials in seconds.',
    example: '3600',
  }),
  BCRYPT_COST: variable({
    schema: integer(10, 15),
    default: 12,
    description: 'bcrypt cost factor for passwords (10–15).',
    example: '12',
  }),
  LOG_LEVEL: variable({
    schema: z.preprocess(blankToUndefined, z.enum(LOG_LEVELS).optional()),
    default: 'info',
    description: `Log level: ${LOG_LEVELS.join(', ')}.`,
    example: 'info',
  }),
  STATIC_DIR: variable({
    schema: text(),
    default: './dist/client',
    description:
      'The built client (vite build); served with index.html as the fallback for app routes.',
    example: './dist/client',
  }),
  REDIS_URL: optional({
    schema: redisUrl,
    description:
      'Redis for running several nodes behind a load balancer: users, sessions, rooms, rate limits and socket broadcasts are shared through it. Unset: one node, lowdb in DATA_DIR.',
    example: 'redis://redis.internal:6379/0',
  }),
  PIN_SECRET: optional({
    schema: pinSecret,
    description:
      'The key that protects room PINs, as 64 hex digits or base64 of 32 bytes; give every node the same one. Unset: DATA_DIR/pin-secret with lowdb, or a key created once in Redis with REDIS_URL (it then sits beside the data it protects).',
    example: '5f0c7a1e9b3d2c4a6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f',
  }),
  HOST_GRACE_SECONDS: variable({
    schema: integer(1, SECONDS_MAX),
    default: 600,
    description:
      'Seconds a room waits for its host once the host has left (closed the tab, lost the connection, pressed Leave room). Guests keep chatting and are told when the room will close; the host coming back with the same account within it takes over again, playback included; past it the room closes by itself and everyone is sent to the lobby. Ten minutes covers a crashed browser, a closed tab or a restarted laptop without keeping guests in a room nobody returns to. A server shutdown does not start it; a room whose host never came closes after ROOM_UNUSED_HOURS instead.',
    example: '600',
  }),
  ROOM_RETENTION_DAYS: variable({
    schema: integer(0, 3650),
    default: 30,
    description:
      'Days a closed room (its name, host ID and sealed PIN) is kept before it is deleted; 0 deletes it at the next sweep. Every node sweeps once a minute. Joining a deleted room gets the same "no room has that ID" as any unknown ID. Rooms closed before closing times were recorded count from their creation.',
    example: '7',
  }),
  ROOM_UNUSED_HOURS: variable({
    schema: integer(1, 24 * 3650),
    default: 24,
    description:
      'Hours a room whose host has never entered it stays open; then it closes by itself (guests waiting in it are told) and counts no more against ROOMS_PER_USER. Every node sweeps once a minute. Rooms opened before this was recorded never close this way.',
    example: '24',
  }),
  CONNECTIONS_PER_IP: variable({
    schema: integer(1, COUNT_MAX),
    default: 50,
    description:
      'Open TCP connections one client address (an IPv6 /64) may hold at once; more are closed as they arrive. A browser tab holds up to 7 (6 HTTP and its socket), so 50 leaves room for a household behind one address. Connections from a proxy TRUST_PROXY trusts are not counted here: the proxy must limit them (docs/deploy.md).',
    example: '50',
  }),
  MAX_CONNECTIONS: optional({
    schema: integer(1, COUNT_MAX),
    description:
      'Open TCP connections in all; more are closed as they arrive. Unset: the open-file limit less 128 on Linux (kept for the database, Redis and static files), no cap elsewhere. The server logs one warning at start when the open-file limit is low for these caps.',
    example: '10000',
  }),
  REQUEST_TIMEOUT: variable({
    schema: integer(1, 300),
    default: 10,
    description:
      'Seconds a connection has to send a complete request (headers and body); one that sends none in that time, or sends it too slowly, is closed. Idle keep-alive connections close after 5 s; WebSockets are not affected.',
    example: '10',
  }),
  REQUEST_RATE_PER_IP: variable({
    schema: integer(1, COUNT_MAX),
    default: 50,
    description:
      'Requests (page files, API calls, WebSocket upgrades) one client address (an IPv6 /64) may make per second, sustained, after its REQUEST_BURST_PER_IP; more get 429 rate_limited with Retry-After, sent after a 1 s hold and before any other work is done, so a script that waits for its answers gets about one a second. A page open in a room makes no requests of its own, so 50 a second is far beyond what a household does. Behind a trusted proxy, counted per forwarded address.',
    example: '50',
  }),
  REQUEST_BURST_PER_IP: variable({
    schema: integer(1, COUNT_MAX),
    default: 500,
    description:
      'Requests one client address may make at once before REQUEST_RATE_PER_IP applies: a page load is about 15, so 500 lets 20 people behind one address (a watch party on one NAT) all load the app at the same moment, twice.',
    example: '500',
  }),
  ROOMS_PER_USER: variable({
    schema: integer(1, COUNT_MAX),
    default: 20,
    description:
      'Open rooms one account may have at once; one more is refused with 409 too_many_rooms until it closes one (or one closes by itself).',
    example: '20',
  }),
  AUTH_WINDOW: variable({
    schema: integer(1, SECONDS_MAX),
    default: 900,
    description: 'Window in seconds for the sign-in limits below.',
    example: '900',
  }),
  AUTH_LIMIT_PER_USERNAME: variable({
    schema: integer(1, COUNT_MAX),
    default: 10,
    description:
      'Sign-in attempts allowed per username per AUTH_WINDOW from addresses it has not signed in from before, whatever their outcome (a right password counts too); then 429 for those addresses until the window ends. An address where the username signed in or registered with the right password within 21 days is judged on its own attempts only: 5 a day, then growing waits of at most 120 s (docs/security.md).',
    example: '10',
  }),
  AUTH_LIMIT_PER_IP: variable({
    schema: integer(1, COUNT_MAX),
    default: 50,
    description:
      'Sign-in attempts (whatever their outcome) for usernames that never signed in from the address, plus registrations, allowed per client address per AUTH_WINDOW; a username that did sign in from it is not held back by this budget.',
    example: '50',
  }),
  SESSIONS_PER_USER: variable({
    schema: integer(1, 1000),
    default: 10,
    description:
      "Live sessions (signed-in browsers) one account may have; a sign-in beyond it ends the account's oldest session and disconnects its sockets.",
    example: '10',
  }),
  PIN_WINDOW: variable({
    schema: integer(1, SECONDS_MAX),
    default: 900,
    description: 'Window in seconds for the wrong-PIN budgets below.',
    example: '900',
  }),
  PIN_LIMIT_PER_ROOM: variable({
    schema: integer(1, COUNT_MAX),
    default: 10,
    description:
      'Wrong PINs a room accepts per PIN_WINDOW from anyone; then only its host and people who already joined with the current PIN get in, until the window ends or the host rotates the PIN.',
    example: '10',
  }),
  PIN_LIMIT_PER_ROOM_DAY: variable({
    schema: integer(1, COUNT_MAX),
    default: 250,
    description:
      'Wrong PINs a room accepts per 24 hours from anyone, not reset by a PIN rotation; then only its host and people who already joined with the current PIN get in (docs/security.md).',
    example: '250',
  }),
  PIN_LIMIT_PER_USER: variable({
    schema: integer(1, COUNT_MAX),
    default: 20,
    description: 'Wrong PINs or unknown room IDs per user per PIN_WINDOW.',
    example: '20',
  }),
  PIN_LIMIT_PER_IP: variable({
    schema: integer(1, COUNT_MAX),
    default: 30,
    description: 'Wrong PINs or unknown room IDs per client address per PIN_WINDOW.',
    example: '30',
  }),
  SOCKET_EVENTS_PER_SECOND: variable({
    schema: integer(1, COUNT_MAX),
    default: 100,
    description:
      'Socket events one connection may send per second; more are dropped with a rate_limited error.',
    example: '100',
  }),
  SOCKET_FLOOD_DISCONNECT: variable({
    schema: integer(1, COUNT_MAX),
    default: 200,
    description: 'Dropped events within 10 seconds after which the connection is cut.',
    example: '200',
  }),
  SOCKETS_PER_USER: variable({
    schema: integer(1, 1000),
    default: 10,
    description:
      'Socket connections one account may hold at once, across every node (each open room tab holds one); one more is cut at once with a rate_limited server:error.',
    example: '10',
  }),
  ROOM_MAX_MEMBERS: variable({
    schema: integer(2, 100),
    default: 12,
    description:
      'People (connections) a room holds at once. Every member links to every other, so each joiner adds a connection to every browser: past about 12 a full mesh stops being usable. A guest joining a full room gets room_full; the host always gets into its own room.',
    example: '12',
  }),
};

type Variables = typeof CONFIG_VARIABLES;

export const CONFIG_DOCS: readonly ConfigDoc[] = Object.entries(CONFIG_VARIABLES).map(
  ([name, v]) => ({
    name,
    default: shownDefault(v.default),
    description: v.description,
    example: v.example,
  }),
);

export const configEnvSchema = z.object(
  // fromEntries loses the per-key types that the mapped type restores.
  Object.fromEntries(Object.entries(CONFIG_VARIABLES).map(([name, v]) => [name, v.schema])) as {
    [K in keyof Variables]: Variables[K]['schema'];
  },
);

function exampleFor(name: string): string {
  const v = Object.entries(CONFIG_VARIABLES).find(([n]) => n === name)?.[1];
  return v ? ` (for example ${name}=${v.example})` : '';
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
  const turnUrls = e.TURN_URLS;
  if (turnUrls.length > 0 && e.TURN_SECRET === undefined) {
    throw new Error(
      `Invalid configuration:\n  TURN_SECRET: required when TURN_URLS is set${exampleFor('TURN_SECRET')}`,
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    publicOrigin: e.PUBLIC_ORIGIN,
    trustProxy: e.TRUST_PROXY,
    sessionTtlSeconds: e.SESSION_TTL,
    stunUrls: e.STUN_URLS,
    turnUrls,
    turnSecret: e.TURN_SECRET,
    turnTtlSeconds: e.TURN_TTL,
    bcryptCost: e.BCRYPT_COST,
    logLevel: e.LOG_LEVEL,
    staticDir: resolve(e.STATIC_DIR),
    redisUrl: e.REDIS_URL,
    pinSecret: e.PIN_SECRET,
    hostGraceSeconds: e.HOST_GRACE_SECONDS,
    roomRetentionDays: e.ROOM_RETENTION_DAYS,
    roomUnusedHours: e.ROOM_UNUSED_HOURS,
    connectionsPerAddress: e.CONNECTIONS_PER_IP,
    maxConnections: e.MAX_CONNECTIONS,
    requestTimeoutSeconds: e.REQUEST_TIMEOUT,
    requestRatePerAddress: e.REQUEST_RATE_PER_IP,
    requestBurstPerAddress: e.REQUEST_BURST_PER_IP,
    limits: {
      authWindowSeconds: e.AUTH_WINDOW,
      authFailuresPerUsername: e.AUTH_LIMIT_PER_USERNAME,
      authAttemptsPerIp: e.AUTH_LIMIT_PER_IP,
      pinWindowSeconds: e.PIN_WINDOW,
      pinFailuresPerRoom: e.PIN_LIMIT_PER_ROOM,
      pinFailuresPerRoomDay: e.PIN_LIMIT_PER_ROOM_DAY,
      pinFailuresPerUser: e.PIN_LIMIT_PER_USER,
      pinFailuresPerIp: e.PIN_LIMIT_PER_IP,
      socketEventsPerSecond: e.SOCKET_EVENTS_PER_SECOND,
      socketFloodDisconnect: e.SOCKET_FLOOD_DISCONNECT,
      socketsPerUser: e.SOCKETS_PER_USER,
      roomMaxMembers: e.ROOM_MAX_MEMBERS,
      openRoomsPerUser: e.ROOMS_PER_USER,
      sessionsPerUser: e.SESSIONS_PER_USER,
    },
  };
}
