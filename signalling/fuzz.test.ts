import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorEnvelopeSchema } from '../shared/errors';
import type { Room } from '../shared/http';
import {
  failureSchema,
  joinSuccessSchema,
  relayedSignalSchema,
  socketErrorSchema,
} from '../shared/socket';
import {
  CLIENT_RESERVED,
  type HandshakeInput,
  handshakes,
  httpRequests,
  MEMBER,
  REAL_ROOM,
  rawFrames,
  type SocketInput,
  socketInputs,
} from './testing/fuzz-inputs';
import {
  type Account,
  api,
  type ClientSocket,
  connectSocket,
  createRoom,
  recordEvents,
  registerUser,
  startTestServer,
  type TestServer,
} from './testing/harness';
import { type RawRequest, rawRequest } from './testing/raw-http';

/**
 * A hostile client against one running server: generated HTTP requests, socket events, raw
 * Socket.IO frames and handshakes, sent in concurrent batches to keep the run short. Nothing
 * may crash the server, answer 5xx or log an error, and everything gets a well-formed answer.
 */
const MIN_INPUTS = 10_000;
const BATCH = 50;
const sent = { http: 0, socket: 0, frames: 0, handshakes: 0 };

/** Every ack the server sends is one of these; nothing else, whatever it was sent. */
const anyReplySchema = z.union([
  joinSuccessSchema,
  failureSchema,
  z.object({ ok: z.literal(true) }),
]);

let server: TestServer;
let staticDir: string;
const problems: string[] = [];
let host: Account;
let room: Room;
let member: ClientSocket;
let memberPeerId: string;
let fuzzers: ClientSocket[];
let httpAccount: Account;
let revokedCookie: string;
let httpRoom: Room;
const agent = new http.Agent({ keepAlive: true, maxSockets: BATCH });
const startedAt = Date.now();

beforeAll(async () => {
  staticDir = await mkdtemp(join(tmpdir(), 'lc-fuzz-static-'));
  await mkdir(join(staticDir, 'assets'));
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>LiveConnect</title>');
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log(1);');
  // Warnings and errors are what the server logs when something went wrong on its side.
  const logger = pino({ level: 'warn' }, { write: (line: string) => problems.push(line) });
  server = await startTestServer({
    env: {
      STATIC_DIR: staticDir,
      SOCKET_EVENTS_PER_SECOND: '1000000',
      PIN_LIMIT_PER_ROOM: '1000000',
      PIN_LIMIT_PER_USER: '1000000',
      PIN_LIMIT_PER_IP: '1000000',
      AUTH_LIMIT_PER_IP: '1000000',
      AUTH_LIMIT_PER_USERNAME: '1000000',
      // Batches of concurrent requests from one address: inputs are under test, not connections
      // or request rates.
      CONNECTIONS_PER_IP: '1000000',
      REQUEST_RATE_PER_IP: '1000000',
      REQUEST_BURST_PER_IP: '1000000',
    },
    deps: { logger },
  });
  host = await registerUser(server.url);
  room = await createRoom(server.url, host);
  member = await connectSocket(server.url, host.cookie);
  memberPeerId = joinSuccessSchema.parse(
    await member.timeout(3000).emitWithAck('room:join', { roomId: room.id, pin: room.pin }),
  ).self.peerId;
  fuzzers = await Promise.all(
    Array.from({ length: 4 }, async () =>
      connectSocket(server.url, (await registerUser(server.url)).cookie),
    ),
  );
  httpAccount = await registerUser(server.url);
  httpRoom = await createRoom(server.url, httpAccount);
  const gone = await registerUser(server.url);
  await api(server.url, 'POST', '/api/auth/logout', { cookie: gone.cookie });
  revokedCookie = gone.cookie;
});

afterAll(async () => {
  agent.destroy();
  member.close();
  for (const f of fuzzers) f.close();
  await server.stop();
  await rm(staticDir, { recursive: true, force: true });
});

/** Sends `batch` generated inputs at once per run; a failing input is reported with its value. */
async function fuzz<T>(
  arbitrary: fc.Arbitrary<T>,
  total: number,
  batch: number,
  check: (input: T, index: number) => Promise<void>,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.array(arbitrary, { minLength: batch, maxLength: batch }),
      async (inputs) => {
        await Promise.all(inputs.map((input, i) => check(input, i)));
      },
    ),
    { numRuns: Math.ceil(total / batch) },
  );
}

function describeInput(input: unknown): string {
  try {
    return JSON.stringify(input, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v));
  } catch {
    return String(input);
  }
}

/** An untyped emit on purpose: anyone can open a socket and send anything. */
function emitRaw(socket: ClientSocket, event: string, args: unknown[]): Promise<unknown> {
  const raw = socket.timeout(5000) as unknown as {
    emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
  };
  return raw.emitWithAck(event, ...args);
}

function emitRawNoAck(socket: ClientSocket, event: string, args: unknown[]): void {
  const raw = socket as unknown as { emit(event: string, ...args: unknown[]): void };
  raw.emit(event, ...args);
}

function fill(value: unknown): unknown {
  if (value === REAL_ROOM) return { roomId: room.id, pin: room.pin };
  if (typeof value === 'object' && value !== null && 'to' in value && value.to === MEMBER) {
    return { ...value, to: memberPeerId };
  }
  return value;
}

function isRealJoin(args: unknown[]): boolean {
  const first = args[0];
  return (
    typeof first === 'object' &&
    first !== null &&
    'roomId' in first &&
    'pin' in first &&
    first.roomId === room.id &&
    first.pin === room.pin
  );
}

/**
 * How many server:error events a no-ack emit must cause: [at least, at most]. The fuzzers are
 * guests, so every room:remove of theirs is refused.
 */
function expectedErrors(event: string, args: unknown[]): [number, number] {
  if (event === 'room:leave') return [0, 0];
  if (event === 'signal') return [0, 1];
  if (event === 'room:join') return isRealJoin(args) ? [0, 0] : [1, 1];
  return [1, 1];
}

/** Waits until every event sent so far on `socket` has been handled and answered. */
async function barrier(socket: ClientSocket): Promise<void> {
  expect(await socket.timeout(5000).emitWithAck('room:leave')).toEqual({ ok: true });
}

/** A whole normal session after the fuzzing: sign-up, sign-in, room, join, relay, rotate, close. */
async function normalFlow(): Promise<void> {
  expect((await api(server.url, 'GET', '/api/health')).status).toBe(200);
  const owner = await registerUser(server.url);
  const login = await api(server.url, 'POST', '/api/auth/login', {
    body: { username: owner.username, password: owner.password },
  });
  expect(login.status).toBe(200);
  const own = await createRoom(server.url, owner);
  const hostSocket = await connectSocket(server.url, owner.cookie);
  const guest = await connectSocket(server.url, (await registerUser(server.url)).cookie);
  try {
    const hostAck = joinSuccessSchema.parse(
      await hostSocket.timeout(3000).emitWithAck('room:join', { roomId: own.id, pin: own.pin }),
    );
    const guestAck = joinSuccessSchema.parse(
      await guest.timeout(3000).emitWithAck('room:join', { roomId: own.id, pin: own.pin }),
    );
    expect(guestAck.hostPeerId).toBe(hostAck.self.peerId);
    const relayed = new Promise<unknown>((resolve) => hostSocket.once('signal', resolve));
    await guest.timeout(3000).emitWithAck('signal', {
      to: hostAck.self.peerId,
      data: { type: 'offer', sdp: 'v=0' },
    });
    expect(relayedSignalSchema.parse(await relayed).from).toBe(guestAck.self.peerId);
    const rotated = await api(server.url, 'POST', `/api/rooms/${own.id}/pin`, {
      cookie: owner.cookie,
    });
    expect(rotated.status).toBe(200);
    const closed = new Promise<unknown>((resolve) => guest.once('room:closed', resolve));
    const del = await api(server.url, 'DELETE', `/api/rooms/${own.id}`, { cookie: owner.cookie });
    expect(del.status).toBe(204);
    await closed;
  } finally {
    hostSocket.close();
    guest.close();
  }
  expect(problems).toEqual([]);
}

describe('a hostile client over HTTP', () => {
  it('gets a 4xx envelope or a success for any request, never a 5xx', async () => {
    const requests = httpRequests({
      roomId: httpRoom.id,
      closableRoomId: (await createRoom(server.url, httpAccount)).id,
      cookie: httpAccount.cookie,
      revokedCookie,
      origin: server.origin,
    });
    await fuzz(requests, 5000, BATCH, async (req: RawRequest) => {
      sent.http += 1;
      const res = await rawRequest(server.url, agent, req);
      const where = `${res.status} for ${describeInput(req).slice(0, 500)}`;
      expect(res.status, where).toBeLessThan(500);
      expect(res.body, where).not.toMatch(/root:x?:0:0/);
      if (/^\/api(?:[/?]|$)/i.test(req.path) && res.status >= 400 && req.method !== 'HEAD') {
        expect(res.contentType, where).toMatch(/^application\/json/);
        expect(errorEnvelopeSchema.safeParse(JSON.parse(res.body)).success, where).toBe(true);
      }
    });
    await normalFlow();
  });
});

describe('a hostile client over Socket.IO', () => {
  it('gets a well-formed ack for any event with an ack, never an internal error', async () => {
    await fuzz(
      socketInputs.filter((s) => s.withAck && !CLIENT_RESERVED.has(s.event)),
      3500,
      BATCH,
      async (input: SocketInput, i) => {
        sent.socket += 1;
        const socket = fuzzers[i % fuzzers.length] as ClientSocket;
        const reply = await emitRaw(socket, input.event, input.args.map(fill));
        const where = `${describeInput(reply)} for ${describeInput(input).slice(0, 500)}`;
        const parsed = anyReplySchema.safeParse(reply);
        expect(parsed.success, where).toBe(true);
        if (parsed.data?.ok === false) expect(parsed.data.error.code, where).not.toBe('internal');
        if (input.event !== 'room:join') {
          expect(joinSuccessSchema.safeParse(reply).success, where).toBe(false);
        }
      },
    );
    await normalFlow();
  });

  it('gets a server:error for a failed event without an ack, and only then', async () => {
    const seen = fuzzers.map((f) => recordEvents(f, 'server:error'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          socketInputs.filter((s) => !CLIENT_RESERVED.has(s.event)),
          { minLength: BATCH, maxLength: BATCH },
        ),
        async (inputs) => {
          const before = seen.map((s) => s.length);
          const bounds = fuzzers.map(() => new Map<string, [number, number]>());
          inputs.forEach((input, i) => {
            sent.socket += 1;
            const k = i % fuzzers.length;
            const args = input.args.map(fill);
            emitRawNoAck(fuzzers[k] as ClientSocket, input.event, args);
            const name = input.event.slice(0, 64);
            const [lo, hi] = expectedErrors(input.event, args);
            const sum = bounds[k]?.get(name) ?? [0, 0];
            bounds[k]?.set(name, [sum[0] + lo, sum[1] + hi]);
          });
          await Promise.all(fuzzers.map(barrier));
          fuzzers.forEach((_f, k) => {
            const got = (seen[k] ?? []).slice(before[k]).map((e) => socketErrorSchema.parse(e));
            for (const e of got) expect(e.error.code).not.toBe('internal');
            for (const [name, [lo, hi]] of bounds[k] ?? []) {
              const n = got.filter((e) => e.event === name).length;
              expect(n, `server:error count for ${name}`).toBeGreaterThanOrEqual(lo);
              expect(n, `server:error count for ${name}`).toBeLessThanOrEqual(hi);
            }
            const named = new Set(bounds[k]?.keys());
            expect(got.filter((e) => !named.has(e.event))).toEqual([]);
          });
        },
      ),
      { numRuns: 1500 / BATCH },
    );
    await normalFlow();
  });

  it('survives raw Socket.IO frames: each connection is answered or cut, nothing else', async () => {
    const account = await registerUser(server.url);
    await fuzz(fc.array(rawFrames, { minLength: 8, maxLength: 8 }), 150, 5, async (frames) => {
      const socket = await connectSocket(server.url, account.cookie);
      try {
        const cut = new Promise<'cut'>((resolve) =>
          socket.once('disconnect', () => resolve('cut')),
        );
        for (const frame of frames) {
          sent.frames += 1;
          socket.io.engine.send(frame);
        }
        const answered = socket
          .timeout(5000)
          .emitWithAck('room:leave')
          .then((reply) => reply);
        const outcome = await Promise.race([cut, answered]);
        if (outcome !== 'cut') expect(outcome).toEqual({ ok: true });
      } finally {
        socket.close();
      }
    });
    await normalFlow();
  });

  it('connects only with our Origin and a live session, whatever the handshake says', async () => {
    const account = await registerUser(server.url);
    const accepted = new Set([server.origin, server.origin.replace('127.0.0.1', 'localhost')]);
    await fuzz(
      handshakes(server.origin, account.cookie),
      300,
      10,
      async ({ origin, cookie }: HandshakeInput) => {
        sent.handshakes += 1;
        const outcome = await connectSocket(server.url, cookie, { origin }).then(
          (s) => {
            s.close();
            return 'connected';
          },
          () => 'refused',
        );
        const where = describeInput({ origin, cookie });
        const ours = origin !== null && accepted.has(origin);
        if (outcome === 'connected') {
          expect(ours, where).toBe(true);
          expect(cookie?.startsWith(account.cookie), where).toBe(true);
        } else if (ours && cookie === account.cookie) {
          expect.fail(`refused a valid handshake: ${where}`);
        }
      },
    );
    await normalFlow();
  });
});

describe('edges of the socket limits', () => {
  it('cuts a socket that sends more than the message limit, and keeps serving others', async () => {
    const big = await connectSocket(server.url, (await registerUser(server.url)).cookie);
    const cut = new Promise<string>((resolve) => big.once('disconnect', resolve));
    big.emit('signal', { to: memberPeerId, data: { type: 'offer', sdp: 'x'.repeat(200_000) } });
    expect(await cut).toBe('transport close');
    await normalFlow();
  });

  it('refuses an SDP over the schema limit that fits the socket limit', async () => {
    const reply = await (fuzzers[0] as ClientSocket).timeout(3000).emitWithAck('signal', {
      to: memberPeerId,
      data: { type: 'offer', sdp: 'x'.repeat(70_000) },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});

describe('the whole run', () => {
  it(`sent at least ${MIN_INPUTS} generated inputs`, () => {
    const total = sent.http + sent.socket + sent.frames + sent.handshakes;
    console.log(
      `fuzz: ${total} inputs (${JSON.stringify(sent)}) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    );
    expect(total).toBeGreaterThanOrEqual(MIN_INPUTS);
  });
});
