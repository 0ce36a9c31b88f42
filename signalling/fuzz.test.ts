import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorEnvelopeSchema } from '../shared/errors';
import { roomReplySchema } from '../shared/http';
import {
  failureSchema,
  joinSuccessSchema,
  relayedSignalSchema,
  socketErrorSchema,
} from '../shared/socket';
import {
  type Account,
  api,
  type ClientSocket,
  connectSocket,
  nextEvent,
  recordEvents,
  registerUser,
  startTestServer,
  type TestServer,
} from './testing/harness';

/** Every ack the server sends is one of these; nothing else, whatever it was sent. */
const anyReplySchema = z.union([
  joinSuccessSchema,
  failureSchema,
  z.object({ ok: z.literal(true) }),
]);

let server: TestServer;
let host: Account;
let room: z.infer<typeof roomReplySchema>['room'];
let member: ClientSocket;
let fuzzer: ClientSocket;
let memberPeerId: string;

beforeAll(async () => {
  server = await startTestServer({
    env: {
      SOCKET_EVENTS_PER_SECOND: '100000',
      PIN_LIMIT_PER_ROOM: '100000',
      PIN_LIMIT_PER_USER: '100000',
      PIN_LIMIT_PER_IP: '100000',
      AUTH_LIMIT_PER_IP: '100000',
      AUTH_LIMIT_PER_USERNAME: '100000',
    },
  });
  host = await registerUser(server.url);
  const res = await api(server.url, 'POST', '/api/rooms', { cookie: host.cookie, body: {} });
  room = roomReplySchema.parse(await res.json()).room;
  member = await connectSocket(server.url, host.cookie);
  const ack = joinSuccessSchema.parse(
    await member.timeout(3000).emitWithAck('room:join', { roomId: room.id, pin: room.pin }),
  );
  memberPeerId = ack.self.peerId;
  fuzzer = await connectSocket(server.url, (await registerUser(server.url)).cookie);
});
afterAll(async () => {
  member.close();
  fuzzer.close();
  await server.stop();
});

/** Emits with an ack; the untyped emit is the point, since anyone can open a socket. */
function emitRaw(socket: ClientSocket, event: string, args: unknown[]): Promise<unknown> {
  const raw = socket.timeout(3000) as unknown as {
    emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
  };
  return raw.emitWithAck(event, ...args);
}

function emitRawNoAck(socket: ClientSocket, event: string, args: unknown[]): void {
  const raw = socket as unknown as { emit(event: string, ...args: unknown[]): void };
  raw.emit(event, ...args);
}

async function stillServing(): Promise<void> {
  expect((await api(server.url, 'GET', '/api/health')).status).toBe(200);
  const other = await connectSocket(server.url, (await registerUser(server.url)).cookie);
  try {
    const ack = joinSuccessSchema.parse(
      await other.timeout(3000).emitWithAck('room:join', { roomId: room.id, pin: room.pin }),
    );
    const got = nextEvent(member, 'signal', relayedSignalSchema);
    await other
      .timeout(3000)
      .emitWithAck('signal', { to: memberPeerId, data: { type: 'offer', sdp: 'ok' } });
    expect((await got).from).toBe(ack.self.peerId);
  } finally {
    other.close();
  }
}

const idLike = fc.oneof(
  fc.constantFrom('abc-defg-hjk', 'zzz-zzzz-zzz', '', '__proto__', 'constructor'),
  fc.string({ maxLength: 40 }),
);
const pinLike = fc.oneof(fc.stringMatching(/^\d{6}$/), fc.string({ maxLength: 10 }), fc.integer());
const signalLike = fc.oneof(
  fc.record(
    { type: fc.constantFrom('offer', 'answer', 'pranswer', 'rollback', 'x'), sdp: fc.anything() },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      type: fc.constant('candidate'),
      candidate: fc.oneof(
        fc.anything(),
        fc.record(
          { candidate: fc.anything(), sdpMLineIndex: fc.anything(), sdpMid: fc.anything() },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
  fc.record({ type: fc.constant('renegotiate'), renegotiate: fc.anything() }),
  fc.record({ type: fc.constant('transceiverRequest'), transceiverRequest: fc.anything() }),
  fc.anything(),
);
const payload = fc.oneof(
  fc.anything(),
  fc.jsonValue(),
  fc.record({ roomId: idLike, pin: pinLike }, { requiredKeys: [] }),
  fc.record(
    { to: fc.oneof(idLike, fc.constant('MEMBER')), data: signalLike },
    { requiredKeys: [] },
  ),
);
const eventName = fc.oneof(
  fc.constantFrom('room:join', 'room:leave', 'signal'),
  fc.constantFrom('peer:joined', 'disconnect', 'connect', 'room:closed'),
  fc.string({ maxLength: 20 }),
);

/** Replaces the MEMBER placeholder so some signals target a real peer. */
function withMember(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'to' in value && value.to === 'MEMBER') {
    return { ...value, to: memberPeerId };
  }
  return value;
}

const RESERVED = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);

describe('fuzzing socket events', () => {
  it('answers every event with an ack with a well-formed reply', async () => {
    await fc.assert(
      fc.asyncProperty(eventName, fc.array(payload, { maxLength: 3 }), async (event, args) => {
        fc.pre(!RESERVED.has(event));
        const reply = await emitRaw(fuzzer, event, args.map(withMember));
        expect(anyReplySchema.safeParse(reply).success).toBe(true);
        if (event !== 'room:join') expect(joinSuccessSchema.safeParse(reply).success).toBe(false);
      }),
      { numRuns: 300 },
    );
    await stillServing();
  });

  it('answers a bad event without an ack on server:error', async () => {
    const errors = recordEvents(fuzzer, 'server:error');
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), fc.jsonValue()), async (value) => {
        fc.pre(typeof value !== 'function');
        const before = errors.length;
        emitRawNoAck(fuzzer, 'room:join', [value]);
        await new Promise((r) => setTimeout(r, 5));
        await emitRaw(fuzzer, 'room:leave', []);
        expect(errors.length).toBe(before + 1);
        const error = socketErrorSchema.parse(errors.at(-1));
        expect(error.event).toBe('room:join');
        expect(['bad_request', 'room_not_found', 'wrong_pin']).toContain(error.error.code);
      }),
      { numRuns: 100 },
    );
    await stillServing();
  });

  it('cuts a socket that sends more than the message limit, and keeps serving others', async () => {
    const big = await connectSocket(server.url, (await registerUser(server.url)).cookie);
    const cut = new Promise<string>((resolve) => big.once('disconnect', resolve));
    big.emit('signal', { to: memberPeerId, data: { type: 'offer', sdp: 'x'.repeat(200_000) } });
    expect(await cut).toBe('transport close');
    await stillServing();
  });

  it('refuses an SDP over the schema limit that fits the socket limit', async () => {
    const reply = await fuzzer.timeout(3000).emitWithAck('signal', {
      to: memberPeerId,
      data: { type: 'offer', sdp: 'x'.repeat(70_000) },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});

const routes: { method: string; path: string }[] = [
  { method: 'POST', path: '/api/auth/register' },
  { method: 'POST', path: '/api/auth/login' },
  { method: 'POST', path: '/api/auth/logout' },
  { method: 'POST', path: '/api/rooms' },
  { method: 'POST', path: '/api/rooms/abc-defg-hjk/pin' },
  { method: 'DELETE', path: '/api/rooms/abc-defg-hjk' },
];

describe('fuzzing HTTP', () => {
  it('answers any body with a JSON envelope and never a 5xx', async () => {
    const body = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.anything().map((v) => JSON.stringify(v) ?? ''),
      fc
        .record(
          { username: fc.anything(), password: fc.anything(), name: fc.anything() },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.constantFrom('{', '[', 'null', '"x"', '{"__proto__":{"admin":true}}', 'x'.repeat(20_000)),
    );
    const contentType = fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      '',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        body,
        contentType,
        fc.boolean(),
        async (route, text, type, signedIn) => {
          const headers: Record<string, string> = {};
          if (type !== '') headers['content-type'] = type;
          // Logging out would end the session the rest of the run relies on.
          if (signedIn && route.path !== '/api/auth/logout') headers.cookie = host.cookie;
          const res = await fetch(new URL(route.path, server.url), {
            method: route.method,
            headers,
            body: text,
          });
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(errorEnvelopeSchema.safeParse(await res.json()).success).toBe(true);
          } else {
            await res.arrayBuffer();
          }
        },
      ),
      { numRuns: 300 },
    );
    expect((await api(server.url, 'GET', '/api/health')).status).toBe(200);
    expect((await api(server.url, 'GET', '/api/auth/me', { cookie: host.cookie })).status).toBe(
      200,
    );
  });

  it('answers any room ID in a path with a JSON 4xx', async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 30 }).map(encodeURIComponent),
      fc.constantFrom('%', '%ZZ', '%E0%A4%A', '..', '%2e%2e', 'abc-defg-hjk%00', '__proto__'),
    );
    await fc.assert(
      fc.asyncProperty(segment, fc.constantFrom('DELETE', 'POST'), async (id, method) => {
        fc.pre(id !== '');
        const path = method === 'POST' ? `/api/rooms/${id}/pin` : `/api/rooms/${id}`;
        const res = await fetch(`${server.url.origin}${path}`, {
          method,
          headers: { cookie: host.cookie },
        });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(errorEnvelopeSchema.safeParse(await res.json()).success).toBe(true);
      }),
      { numRuns: 200 },
    );
    expect((await api(server.url, 'GET', '/api/rooms', { cookie: host.cookie })).status).toBe(200);
  });
});
