import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '../../shared/errors';
import { roomListReplySchema, roomReplySchema } from '../../shared/http';
import { ROOM_ID_PATTERN } from '../../shared/ids';
import { joinSuccessSchema } from '../../shared/socket';
import {
  type Account,
  api,
  connectSocket,
  registerUser,
  startTestServer,
  type TestServer,
} from '../testing/harness';

let server: TestServer;
let host: Account;
let other: Account;

beforeAll(async () => {
  server = await startTestServer();
  host = await registerUser(server.url);
  other = await registerUser(server.url);
});
afterAll(() => server.stop());

async function create(account: Account, body: unknown = {}) {
  const res = await api(server.url, 'POST', '/api/rooms', { cookie: account.cookie, body });
  expect(res.status).toBe(201);
  return roomReplySchema.parse(await res.json()).room;
}

async function list(account: Account) {
  const res = await api(server.url, 'GET', '/api/rooms', { cookie: account.cookie });
  expect(res.status).toBe(200);
  return roomListReplySchema.parse(await res.json()).rooms;
}

async function code(res: Response): Promise<string> {
  return errorEnvelopeSchema.parse(await res.json()).error.code;
}

describe('rooms over HTTP', () => {
  it('creates a room with an ID, a PIN and a default name', async () => {
    const room = await create(host);
    expect(room.id).toMatch(ROOM_ID_PATTERN);
    expect(room.pin).toMatch(/^\d{6}$/);
    expect(room.name).toBe(`${host.username}'s room`);
    expect(room.hostId).toBe(host.user.id);
    expect(Number.isNaN(Date.parse(room.createdAt))).toBe(false);
    expect((await create(host, { name: '  Movie night ' })).name).toBe('Movie night');
  });

  it('forbids caching every reply that carries a PIN', async () => {
    const created = await api(server.url, 'POST', '/api/rooms', { cookie: host.cookie, body: {} });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const listed = await api(server.url, 'GET', '/api/rooms', { cookie: host.cookie });
    expect(listed.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a bad name and anonymous callers', async () => {
    const res = await api(server.url, 'POST', '/api/rooms', {
      cookie: host.cookie,
      body: { name: 'x'.repeat(81) },
    });
    expect(res.status).toBe(400);
    expect((await api(server.url, 'POST', '/api/rooms', { body: {} })).status).toBe(401);
    expect((await api(server.url, 'GET', '/api/rooms')).status).toBe(401);
  });

  it("lists only the caller's open rooms, PIN included", async () => {
    const mine = await create(other);
    const closed = await create(other);
    await api(server.url, 'DELETE', `/api/rooms/${closed.id}`, { cookie: other.cookie });
    const rooms = await list(other);
    expect(rooms).toContainEqual(mine);
    expect(rooms.map((r) => r.id)).not.toContain(closed.id);
    expect(rooms.every((r) => r.hostId === other.user.id)).toBe(true);
  });

  it('lets only the host close a room, 404 to anyone else; closing twice is 404', async () => {
    const room = await create(host);
    const path = `/api/rooms/${room.id}`;
    // Someone else's room answers like an unknown one, so IDs cannot be probed this way.
    const foreign = await api(server.url, 'DELETE', path, { cookie: other.cookie });
    expect(foreign.status).toBe(404);
    expect(await code(foreign)).toBe('room_not_found');
    expect((await list(host)).map((r) => r.id)).toContain(room.id);
    expect((await api(server.url, 'DELETE', path, { cookie: host.cookie })).status).toBe(204);
    const again = await api(server.url, 'DELETE', path, { cookie: host.cookie });
    expect(again.status).toBe(404);
    expect(await code(again)).toBe('room_not_found');
    const unknown = await api(server.url, 'DELETE', '/api/rooms/zzz-zzzz-zzz', {
      cookie: host.cookie,
    });
    expect(unknown.status).toBe(404);
    const malformed = await api(server.url, 'DELETE', '/api/rooms/..%2F..%2Fetc', {
      cookie: host.cookie,
    });
    expect(malformed.status).toBe(404);
  });

  it('rotates the PIN: the old one stops working, the new one joins', async () => {
    const room = await create(host);
    const foreign = await api(server.url, 'POST', `/api/rooms/${room.id}/pin`, {
      cookie: other.cookie,
    });
    expect(foreign.status).toBe(404);
    expect(await code(foreign)).toBe('room_not_found');
    expect((await list(host)).find((r) => r.id === room.id)?.pin).toBe(room.pin);
    const res = await api(server.url, 'POST', `/api/rooms/${room.id}/pin`, { cookie: host.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const rotated = roomReplySchema.parse(await res.json()).room;
    expect(rotated.id).toBe(room.id);
    expect((await list(host)).find((r) => r.id === room.id)?.pin).toBe(rotated.pin);

    const socket = await connectSocket(server.url, other.cookie);
    try {
      if (rotated.pin !== room.pin) {
        const old = await socket
          .timeout(2000)
          .emitWithAck('room:join', { roomId: room.id, pin: room.pin });
        expect(old).toMatchObject({ ok: false, error: { code: 'wrong_pin' } });
      }
      const fresh = await socket
        .timeout(2000)
        .emitWithAck('room:join', { roomId: room.id, pin: rotated.pin });
      joinSuccessSchema.parse(fresh);
    } finally {
      socket.close();
    }
  });
});

describe('open rooms per account', () => {
  let capped: TestServer;
  beforeAll(async () => {
    capped = await startTestServer({ env: { ROOMS_PER_USER: '3' } });
  });
  afterAll(() => capped.stop());

  it('refuses one more than ROOMS_PER_USER with 409 too_many_rooms, and nothing changes', async () => {
    const a = await registerUser(capped.url);
    const b = await registerUser(capped.url);
    const attempts = await Promise.all(
      Array.from({ length: 6 }, () =>
        api(capped.url, 'POST', '/api/rooms', { cookie: a.cookie, body: {} }),
      ),
    );
    expect(attempts.filter((r) => r.status === 201)).toHaveLength(3);
    const refused = attempts.filter((r) => r.status !== 201);
    expect(refused.map((r) => r.status)).toEqual([409, 409, 409]);
    const error = errorEnvelopeSchema.parse(await refused[0]?.json()).error;
    expect(error.code).toBe('too_many_rooms');
    expect(error.message).toContain('3');
    const listed = await api(capped.url, 'GET', '/api/rooms', { cookie: a.cookie });
    const rooms = roomListReplySchema.parse(await listed.json()).rooms;
    expect(rooms).toHaveLength(3);
    // Another account has its own allowance; closing a room frees a place.
    expect(
      (await api(capped.url, 'POST', '/api/rooms', { cookie: b.cookie, body: {} })).status,
    ).toBe(201);
    const path = `/api/rooms/${rooms[0]?.id}`;
    expect((await api(capped.url, 'DELETE', path, { cookie: a.cookie })).status).toBe(204);
    expect(
      (await api(capped.url, 'POST', '/api/rooms', { cookie: a.cookie, body: {} })).status,
    ).toBe(201);
  });
});
