import { afterEach, describe, expect, it } from 'vitest';
import { roomReplySchema } from '../../shared/http';
import { joinSuccessSchema, pinAttemptsSchema, socketErrorSchema } from '../../shared/socket';
import { createLogger } from '../log';
import {
  type Account,
  api,
  type ClientSocket,
  codeOf,
  createRoom,
  joinRoom,
  nextEvent,
  openSocket,
  recordEvents,
  registerUser,
  roundTrip,
  socketPool,
  startTestServer,
  type TestServer,
  until,
  wrongPin,
} from '../testing/harness';

let server: TestServer;
const sockets = socketPool();

afterEach(async () => {
  sockets.closeAll();
  await server.stop();
});

async function start(env: Record<string, string>): Promise<void> {
  server = await startTestServer({ env });
}

/** A socket of `account`, or of someone new. */
async function connect(account?: Account): Promise<ClientSocket> {
  return sockets.connect(server.url, account ?? (await registerUser(server.url)));
}

describe('the PIN budget of a room', () => {
  it('engages at PIN_LIMIT_PER_ROOM failures from anyone, tells the host, spares the host', async () => {
    await start({ PIN_LIMIT_PER_ROOM: '3', PIN_WINDOW: '600' });
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const hostSocket = await connect(host);
    joinSuccessSchema.parse(await joinRoom(hostSocket, room.id, room.pin));
    const reports = recordEvents(hostSocket, 'room:pin-attempts');

    for (let i = 0; i < 3; i += 1) {
      const guesser = await connect();
      expect(await joinRoom(guesser, room.id, wrongPin(room))).toMatchObject({
        ok: false,
        error: { code: 'wrong_pin' },
      });
    }
    const late = await connect();
    expect(await joinRoom(late, room.id, room.pin)).toMatchObject({
      ok: false,
      error: { code: 'rate_limited' },
    });
    expect(reports.map((r) => pinAttemptsSchema.parse(r))).toEqual([
      { failed: 1, windowSeconds: 600 },
      { failed: 2, windowSeconds: 600 },
      { failed: 3, windowSeconds: 600 },
    ]);

    // The host is not locked out of its own room, and sees the count when (re)joining.
    const hostAgain = await connect(host);
    const report = nextEvent(hostAgain, 'room:pin-attempts', pinAttemptsSchema);
    joinSuccessSchema.parse(await joinRoom(hostAgain, room.id, room.pin));
    expect(await report).toEqual({ failed: 3, windowSeconds: 600 });

    // Rotating the PIN resets the budget.
    const reset = nextEvent(hostSocket, 'room:pin-attempts', pinAttemptsSchema);
    const res = await api(server.url, 'POST', `/api/rooms/${room.id}/pin`, { cookie: host.cookie });
    const rotated = roomReplySchema.parse(await res.json()).room;
    expect(await reset).toEqual({ failed: 0, windowSeconds: 600 });
    joinSuccessSchema.parse(await joinRoom(late, room.id, rotated.pin));
  });
});

describe('the PIN budgets of a user and an address', () => {
  it('engages at PIN_LIMIT_PER_USER failures, across rooms and unknown IDs', async () => {
    await start({ PIN_LIMIT_PER_USER: '3' });
    const host = await registerUser(server.url);
    const r1 = await createRoom(server.url, host);
    const r2 = await createRoom(server.url, host);
    const guesser = await connect();
    expect(await joinRoom(guesser, r1.id, wrongPin(r1))).toMatchObject({
      error: { code: 'wrong_pin' },
    });
    expect(await joinRoom(guesser, 'zzz-zzzz-zzz', '123456')).toMatchObject({
      error: { code: 'room_not_found' },
    });
    expect(await joinRoom(guesser, r2.id, wrongPin(r2))).toMatchObject({
      error: { code: 'wrong_pin' },
    });
    expect(await joinRoom(guesser, r2.id, r2.pin)).toMatchObject({
      error: { code: 'rate_limited' },
    });
    // Someone else from the same address is not affected by this user's budget.
    joinSuccessSchema.parse(await joinRoom(await connect(), r2.id, r2.pin));
  });

  it('engages at PIN_LIMIT_PER_IP failures across users', async () => {
    await start({ PIN_LIMIT_PER_IP: '4' });
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    for (let i = 0; i < 4; i += 1) {
      expect(await joinRoom(await connect(), room.id, wrongPin(room))).toMatchObject({
        error: { code: 'wrong_pin' },
      });
    }
    expect(await joinRoom(await connect(), room.id, room.pin)).toMatchObject({
      error: { code: 'rate_limited' },
    });
  });

  it('counts parallel guesses before judging them', async () => {
    await start({ PIN_LIMIT_PER_ROOM: '5' });
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const guessers = await Promise.all(Array.from({ length: 12 }, () => connect()));
    const acks = await Promise.all(guessers.map((g) => joinRoom(g, room.id, wrongPin(room))));
    const codes = acks.map((a) => (a.ok ? 'ok' : a.error.code));
    expect(codes.filter((c) => c === 'wrong_pin')).toHaveLength(5);
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(7);
  });
});

describe('socket flood control', () => {
  it('drops events over SOCKET_EVENTS_PER_SECOND with rate_limited', async () => {
    await start({ SOCKET_EVENTS_PER_SECOND: '5', SOCKET_FLOOD_DISCONNECT: '100' });
    const s = await connect();
    const acks = await Promise.all(
      Array.from({ length: 8 }, () => s.timeout(3000).emitWithAck('room:leave')),
    );
    const codes = acks.map((a) => (a.ok ? 'ok' : a.error.code));
    expect(codes).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'rate_limited',
      'rate_limited',
      'rate_limited',
    ]);
    const error = nextEvent(s, 'server:error', socketErrorSchema);
    s.emit('room:leave');
    expect((await error).error.code).toBe('rate_limited');
    // The window passes and the socket is served again.
    const refusedAt = Date.now();
    await until(async () => (await s.timeout(3000).emitWithAck('room:leave')).ok);
    expect(Date.now() - refusedAt).toBeLessThan(3000);
  });

  it('cuts a socket that keeps flooding after SOCKET_FLOOD_DISCONNECT drops, logging it once', async () => {
    const lines: string[] = [];
    server = await startTestServer({
      env: { SOCKET_EVENTS_PER_SECOND: '5', SOCKET_FLOOD_DISCONNECT: '10' },
      deps: { logger: createLogger('info', { write: (line: string) => lines.push(line) }) },
    });
    const s = await connect();
    const cut = new Promise<string>((resolve) => s.once('disconnect', resolve));
    for (let i = 0; i < 300; i += 1) s.emit('room:leave');
    expect(await cut).toBe('io server disconnect');
    // Whatever was in flight has been judged once the server answers a fresh connection.
    await roundTrip(await connect());
    expect((await api(server.url, 'GET', '/api/health')).status).toBe(200);
    expect(lines.filter((l) => l.includes('socket flooding'))).toHaveLength(1);
  });
});

describe('connections per account', () => {
  it('cuts a socket past SOCKETS_PER_USER, and only that one', async () => {
    await start({ SOCKETS_PER_USER: '3' });
    const a = await registerUser(server.url);
    const held = await Promise.all([1, 2, 3].map(() => connect(a)));
    for (const s of held) await roundTrip(s);
    // Listening from the start: the refusal may come in the same read as the connect.
    const extra = openSocket(server.url, a.cookie);
    const told = nextEvent(extra, 'server:error', socketErrorSchema, 5000);
    const cut = new Promise<string>((resolve) => extra.once('disconnect', resolve));
    try {
      expect((await told).error).toMatchObject({ code: 'rate_limited' });
      expect(await cut).toBe('io server disconnect');
    } finally {
      extra.close();
    }
    for (const s of held) {
      expect(s.connected).toBe(true);
      await roundTrip(s);
    }
    // Someone else is not affected; and a closed tab frees its place.
    await roundTrip(await connect());
    held[0]?.close();
    await until(
      async () => (await server.app.io.in(`user:${a.user.id}`).fetchSockets()).length < 3,
    );
    const again = await connect(a);
    await roundTrip(again);
    expect(again.connected).toBe(true);
  });

  it('cuts exactly those over the cap when many connect at once', async () => {
    await start({ SOCKETS_PER_USER: '4' });
    const a = await registerUser(server.url);
    const all = await Promise.all(Array.from({ length: 12 }, () => connect(a)));
    await until(() => all.filter((s) => s.connected).length === 4);
    for (const s of all.filter((x) => x.connected)) await roundTrip(s);
    expect(all.filter((s) => s.connected)).toHaveLength(4);
  });
});

describe('members per room', () => {
  it('answers room_full past ROOM_MAX_MEMBERS, but always lets the host in', async () => {
    await start({ ROOM_MAX_MEMBERS: '3' });
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const guests = await Promise.all([1, 2, 3].map(() => connect()));
    const first = await Promise.all(guests.map((g) => joinRoom(g, room.id, room.pin)));
    expect(first.map(codeOf).sort()).toEqual(['ok', 'ok', 'ok']);
    const late = await connect();
    expect(await joinRoom(late, room.id, room.pin)).toMatchObject({
      ok: false,
      error: { code: 'room_full', message: expect.stringContaining('3') },
    });
    // The host enters its own full room all the same.
    joinSuccessSchema.parse(await joinRoom(await connect(host), room.id, room.pin));
    // Nothing changed for those inside, and someone leaving makes a place.
    expect(await guests[0]?.timeout(3000).emitWithAck('room:leave')).toEqual({ ok: true });
    expect(await joinRoom(late, room.id, room.pin)).toMatchObject({
      ok: false,
      error: { code: 'room_full' },
    });
    expect(await guests[1]?.timeout(3000).emitWithAck('room:leave')).toEqual({ ok: true });
    joinSuccessSchema.parse(await joinRoom(late, room.id, room.pin));
  });

  it('lets exactly the free places in when many join at once', async () => {
    await start({ ROOM_MAX_MEMBERS: '4' });
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const guests = await Promise.all(Array.from({ length: 10 }, () => connect()));
    const acks = await Promise.all(guests.map((g) => joinRoom(g, room.id, room.pin)));
    expect(acks.filter((a) => a.ok)).toHaveLength(4);
    expect(acks.filter((a) => codeOf(a) === 'room_full')).toHaveLength(6);
  });
});
