import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod/mini';
import { type Room, roomReplySchema, type User, userReplySchema } from '../../shared/http';
import {
  type ClientToServerEvents,
  type JoinAck,
  type JoinSuccess,
  joinSuccessSchema,
  type Resume,
  type ServerToClientEvents,
} from '../../shared/socket';
import { type App, type AppDeps, createApp } from '../app';
import { type Config, loadConfig } from '../config';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServer {
  app: App;
  config: Config;
  /** Base URL, e.g. http://127.0.0.1:41234/ */
  url: URL;
  /** The origin the socket accepts (the URL's origin). */
  origin: string;
  dataDir: string;
  /** Closes the app; removes the data directory unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export interface StartOptions {
  /** Extra environment variables, e.g. { PIN_LIMIT_PER_ROOM: '3' }. */
  env?: Record<string, string>;
  /** Reuse a data directory (e.g. to restart on the same data); a fresh temp dir otherwise. */
  dataDir?: string;
  deps?: AppDeps;
}

/** Starts the real app on 127.0.0.1, an ephemeral port and a temporary DATA_DIR. */
export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'lc-test-')));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    BCRYPT_COST: '10',
    LOG_LEVEL: 'silent',
    STATIC_DIR: join(dataDir, 'no-client'),
    ...options.env,
  });
  const app = await createApp(config, options.deps);
  const url = await app.listen();
  return {
    app,
    config,
    url,
    origin: url.origin,
    dataDir,
    stop: async ({ keepData = false } = {}) => {
      await app.close();
      if (!keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A valid username unlikely to clash with another test's. */
export function uniqueUsername(prefix = 'user'): string {
  counter += 1;
  return `${prefix}_${process.pid.toString(36)}_${counter}_${Math.random().toString(36).slice(2, 6)}`.slice(
    0,
    32,
  );
}

export const TEST_PASSWORD = 'correct horse battery';

export interface Account {
  user: User;
  username: string;
  password: string;
  /** `lc_session=<token>`, ready for a Cookie header. */
  cookie: string;
}

/** The `name=value` part of the session Set-Cookie header of a response. */
export function sessionCookieOf(res: Response): string {
  const header = res.headers.getSetCookie().find((c) => c.startsWith('lc_session='));
  if (!header) throw new Error(`no session cookie in a ${res.status} response`);
  return header.split(';')[0] ?? '';
}

export async function registerUser(
  base: URL,
  username = uniqueUsername(),
  password = TEST_PASSWORD,
  /** The X-Forwarded-For address, for a server that trusts it. */
  from?: string,
): Promise<Account> {
  const res = await fetch(new URL('/api/auth/register', base), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(from === undefined ? {} : { 'x-forwarded-for': from }),
    },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  const { user } = userReplySchema.parse(await res.json());
  return { user, username, password, cookie: sessionCookieOf(res) };
}

/** fetch with the session cookie and a JSON body when given. */
export function api(
  base: URL,
  method: string,
  path: string,
  options: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(new URL(path, base), {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

export interface ConnectOptions {
  /** Defaults to the server's own origin; null sends no Origin header. */
  origin?: string | null;
  /** More handshake headers, e.g. X-Forwarded-For. */
  headers?: Record<string, string>;
  /** The source address (any of 127/8 is loopback on Linux): another client to the server. */
  localAddress?: string;
}

/**
 * A socket.io client (websocket only) that starts connecting at once; listeners attached in
 * the same tick see everything, even what the server sends along with the connect.
 */
export function openSocket(
  base: URL,
  cookie: string | undefined,
  options: ConnectOptions = {},
): ClientSocket {
  const headers: Record<string, string> = { ...options.headers };
  const origin = options.origin === undefined ? base.origin : options.origin;
  if (origin !== null) headers.origin = origin;
  if (cookie !== undefined) headers.cookie = cookie;
  return io(base.origin, {
    transports: ['websocket'],
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
  });
}

/** A connected socket.io client (websocket only), or a rejection with the connect_error. */
export function connectSocket(
  base: URL,
  cookie: string | undefined,
  options: ConnectOptions = {},
): Promise<ClientSocket> {
  const socket = openSocket(base, cookie, options);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/**
 * A bare WebSocket upgrade to Socket.IO, as a browser or a script would send it: 'accepted'
 * (101, then closed at once) or the refusal's body, which names the gate ('unauthorized',
 * 'forbidden_origin'). Engine.IO answers a refused upgrade with a 400 and that body; a browser
 * sees only a failed WebSocket.
 */
export function handshakeOutcome(
  base: URL,
  cookie: string | undefined,
  options: ConnectOptions = {},
): Promise<string> {
  const origin = options.origin === undefined ? base.origin : options.origin;
  const headers: Record<string, string> = {
    connection: 'Upgrade',
    upgrade: 'websocket',
    'sec-websocket-version': '13',
    'sec-websocket-key': randomBytes(16).toString('base64'),
    ...options.headers,
  };
  if (origin !== null) headers.origin = origin;
  if (cookie !== undefined) headers.cookie = cookie;
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: base.hostname,
      port: base.port,
      path: '/socket.io/?EIO=4&transport=websocket',
      headers,
      localAddress: options.localAddress,
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve('accepted');
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sockets a test file opens, closed together by `closeAll` (in afterEach or afterAll). */
export interface SocketPool {
  /** `connectSocket` with the account's session cookie. */
  connect(
    base: URL,
    account: Pick<Account, 'cookie'>,
    options?: ConnectOptions,
  ): Promise<ClientSocket>;
  closeAll(): void;
}

export function socketPool(): SocketPool {
  const open: ClientSocket[] = [];
  return {
    async connect(base, account, options) {
      const socket = await connectSocket(base, account.cookie, options);
      open.push(socket);
      return socket;
    },
    closeAll() {
      for (const socket of open.splice(0)) socket.close();
    },
  };
}

/** Opens a room as `host` through the API; throws unless the server answers 201. */
export async function createRoom(base: URL, host: Pick<Account, 'cookie'>): Promise<Room> {
  const res = await api(base, 'POST', '/api/rooms', { cookie: host.cookie, body: {} });
  if (res.status !== 201) throw new Error(`create room failed: ${res.status} ${await res.text()}`);
  return roomReplySchema.parse(await res.json()).room;
}

/** Generous: several nodes on a busy machine may take a while to answer. */
const JOIN_TIMEOUT_MS = 6000;

/** Sends `room:join` and resolves with the ack, whatever it says. */
export function joinRoom(
  socket: ClientSocket,
  roomId: string,
  pin: string,
  resume?: Resume,
): Promise<JoinAck> {
  return socket.timeout(JOIN_TIMEOUT_MS).emitWithAck('room:join', { roomId, pin, resume });
}

/** A `room:join` that must succeed. */
export async function joinedRoom(
  socket: ClientSocket,
  roomId: string,
  pin: string,
  resume?: Resume,
): Promise<JoinSuccess> {
  return joinSuccessSchema.parse(await joinRoom(socket, roomId, pin, resume));
}

/** A PIN that is not the room's. */
export const wrongPin = (room: Pick<Room, 'pin'>): string =>
  room.pin === '000000' ? '000001' : '000000';

/** The error code of a refused ack, or 'ok'. */
export const codeOf = (ack: { ok: true } | { ok: false; error: { code: string } }): string =>
  ack.ok ? 'ok' : ack.error.code;

/**
 * Resolves once the server has answered one more event from `socket`: whatever the server sent
 * this socket before has arrived by then, since one connection keeps its order.
 */
export async function roundTrip(socket: ClientSocket): Promise<void> {
  // A signal to nobody is refused (not in a room, or no such peer) and changes nothing.
  await socket
    .timeout(JOIN_TIMEOUT_MS)
    .emitWithAck('signal', { to: 'nobody', data: { type: 'offer', sdp: 'v=0' } });
}

/** Polls until `check` holds; generous, since the machine may be busy. */
export async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves with the next payload of a server event, parsed with `schema`; rejects after `ms`. */
export function nextEvent<T>(
  socket: ClientSocket,
  event: keyof ServerToClientEvents,
  schema: z.core.$ZodType<T>,
  ms = 2000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (name: string, payload: unknown): void => {
      if (name !== event) return;
      clearTimeout(timer);
      socket.offAny(listener);
      const parsed = z.safeParse(schema, payload);
      if (parsed.success) resolve(parsed.data);
      else reject(new Error(`${event} payload did not parse: ${parsed.error.message}`));
    };
    const timer = setTimeout(() => {
      socket.offAny(listener);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    socket.onAny(listener);
  });
}

/** Collects every payload of one event for later inspection. */
export function recordEvents(socket: ClientSocket, event: keyof ServerToClientEvents): unknown[] {
  const seen: unknown[] = [];
  socket.onAny((name: string, payload: unknown) => {
    if (name === event) seen.push(payload);
  });
  return seen;
}
