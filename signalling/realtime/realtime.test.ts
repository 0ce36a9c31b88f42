import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomReplySchema } from '../../shared/http';
import {
  type JoinAck,
  joinSuccessSchema,
  peerInfoSchema,
  peerLeftSchema,
  relayedSignalSchema,
  roomClosedSchema,
  socketErrorSchema,
} from '../../shared/socket';
import {
  type Account,
  api,
  type ClientSocket,
  connectSocket,
  nextEvent,
  registerUser,
  startTestServer,
  type TestServer,
} from '../testing/harness';

let server: TestServer;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server.stop();
});

async function connect(account: Account): Promise<ClientSocket> {
  const s = await connectSocket(server.url, account.cookie);
  sockets.push(s);
  return s;
}

async function createRoom(host: Account) {
  const res = await api(server.url, 'POST', '/api/rooms', { cookie: host.cookie, body: {} });
  expect(res.status).toBe(201);
  return roomReplySchema.parse(await res.json()).room;
}

function join(socket: ClientSocket, roomId: unknown, pin: unknown): Promise<JoinAck> {
  // Payloads are deliberately untyped here: the server must cope with anything.
  return socket.timeout(3000).emitWithAck('room:join', { roomId, pin } as never);
}

describe('joining a room', () => {
  it('admits the right PIN, lists peers and tells the others', async () => {
    const host = await registerUser(server.url);
    const guest = await registerUser(server.url);
    const room = await createRoom(host);
    const hs = await connect(host);
    const hostAck = joinSuccessSchema.parse(await join(hs, room.id, room.pin));
    expect(hostAck.hostPeerId).toBe(hostAck.self.peerId);
    expect(hostAck.peers).toEqual([]);

    const gs = await connect(guest);
    const joined = nextEvent(hs, 'peer:joined', peerInfoSchema);
    const guestAck = joinSuccessSchema.parse(await join(gs, room.id, room.pin));
    expect(guestAck.self).toMatchObject({ userId: guest.user.id, name: guest.username });
    expect(guestAck.hostPeerId).toBe(hostAck.self.peerId);
    expect(guestAck.peers).toEqual([
      { peerId: hostAck.self.peerId, userId: host.user.id, name: host.username, role: 'host' },
    ]);
    expect(await joined).toEqual({
      peerId: guestAck.self.peerId,
      userId: guest.user.id,
      name: guest.username,
      role: 'guest',
    });

    const relayed = nextEvent(hs, 'signal', relayedSignalSchema);
    const ack = await gs
      .timeout(3000)
      .emitWithAck('signal', { to: hostAck.self.peerId, data: { type: 'offer', sdp: 'v=0' } });
    expect(ack).toEqual({ ok: true });
    expect(await relayed).toEqual({
      from: guestAck.self.peerId,
      data: { type: 'offer', sdp: 'v=0' },
    });

    const left = nextEvent(hs, 'peer:left', peerLeftSchema);
    gs.close();
    expect(await left).toEqual({ peerId: guestAck.self.peerId });
  });

  it('refuses a wrong PIN, an unknown room and a closed room', async () => {
    const host = await registerUser(server.url);
    const room = await createRoom(host);
    const s = await connect(await registerUser(server.url));
    const wrong = room.pin === '000000' ? '000001' : '000000';
    expect(await join(s, room.id, wrong)).toMatchObject({
      ok: false,
      error: { code: 'wrong_pin' },
    });
    expect(await join(s, 'aaa-aaaa-aaa', room.pin)).toMatchObject({
      ok: false,
      error: { code: 'room_not_found' },
    });
    const del = await api(server.url, 'DELETE', `/api/rooms/${room.id}`, { cookie: host.cookie });
    expect(del.status).toBe(204);
    expect(await join(s, room.id, room.pin)).toMatchObject({
      ok: false,
      error: { code: 'room_closed' },
    });
  });

  it('tells members when the host closes the room and removes them', async () => {
    const host = await registerUser(server.url);
    const room = await createRoom(host);
    const a = await connect(await registerUser(server.url));
    const b = await connect(await registerUser(server.url));
    joinSuccessSchema.parse(await join(a, room.id, room.pin));
    const bAck = joinSuccessSchema.parse(await join(b, room.id, room.pin));
    const closed = nextEvent(a, 'room:closed', roomClosedSchema);
    await api(server.url, 'DELETE', `/api/rooms/${room.id}`, { cookie: host.cookie });
    expect(await closed).toEqual({ roomId: room.id, reason: 'closed_by_host' });
    const err = nextEvent(a, 'server:error', socketErrorSchema);
    a.emit('signal', { to: bAck.self.peerId, data: { type: 'offer', sdp: 'x' } });
    expect((await err).error.code).toBe('not_in_room');
  });
});
