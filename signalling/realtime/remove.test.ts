import { afterEach, describe, expect, it } from 'vitest';
import { roomReplySchema } from '../../shared/http';
import { peerLeftSchema, roomRemovedSchema, socketErrorSchema } from '../../shared/socket';
import {
  type Account,
  api,
  type ClientSocket,
  codeOf,
  createRoom,
  joinedRoom,
  joinRoom,
  nextEvent,
  recordEvents,
  registerUser,
  roundTrip,
  socketPool,
  startTestServer,
  type TestServer,
} from '../testing/harness';

let server: TestServer;
const sockets = socketPool();

afterEach(async () => {
  sockets.closeAll();
  await server?.stop();
});

type Reply = { ok: true } | { ok: false; error: { code: string; message: string } };

function remove(socket: ClientSocket, payload: unknown): Promise<Reply> {
  // The server must answer whatever comes in, so the payload is deliberately untyped here.
  const raw = socket as unknown as {
    timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<Reply> };
  };
  return raw.timeout(6000).emitWithAck('room:remove', payload);
}

function signal(socket: ClientSocket, to: string): Promise<Reply> {
  return socket.timeout(6000).emitWithAck('signal', { to, data: { type: 'offer', sdp: 'v=0' } });
}

/** A host and two guests in one room; Bob has a second tab in it. */
async function party() {
  const host = await registerUser(server.url);
  const bob = await registerUser(server.url);
  const carol = await registerUser(server.url);
  const room = await createRoom(server.url, host);
  const enter = async (account: Account) => {
    const socket = await sockets.connect(server.url, account);
    return { socket, self: (await joinedRoom(socket, room.id, room.pin)).self };
  };
  const h = await enter(host);
  const b = await enter(bob);
  const b2 = await enter(bob);
  const c = await enter(carol);
  return { host, bob, carol, room, h, b, b2, c };
}

describe('removing a member', () => {
  it('takes every connection of the account out, tells the others, and bars it for good', async () => {
    server = await startTestServer();
    const { host, bob, room, h, b, b2, c } = await party();
    const leftForHost = recordEvents(h.socket, 'peer:left');
    const leftForCarol = recordEvents(c.socket, 'peer:left');
    const leftForBob = recordEvents(b.socket, 'peer:left');
    const removed = nextEvent(b.socket, 'room:removed', roomRemovedSchema);
    const removedTab = nextEvent(b2.socket, 'room:removed', roomRemovedSchema);

    expect(await remove(h.socket, { peerId: b.self.peerId })).toEqual({ ok: true });
    expect(await removed).toEqual({ roomId: room.id });
    expect(await removedTab).toEqual({ roomId: room.id });
    await Promise.all([roundTrip(h.socket), roundTrip(c.socket)]);
    const gone = [b.self.peerId, b2.self.peerId].sort();
    expect(leftForHost.map((e) => peerLeftSchema.parse(e).peerId).sort()).toEqual(gone);
    expect(leftForCarol.map((e) => peerLeftSchema.parse(e).peerId).sort()).toEqual(gone);
    expect(leftForBob).toEqual([]);

    // Out of the room: no signal to anyone there, none from them to it.
    expect(codeOf(await signal(b.socket, h.self.peerId))).toBe('not_in_room');
    expect(codeOf(await signal(h.socket, b.self.peerId))).toBe('peer_not_found');
    expect(codeOf(await signal(c.socket, h.self.peerId))).toBe('ok');

    // Whatever PIN it brings, from any connection, also after a rotation.
    const refused = await joinRoom(b.socket, room.id, room.pin);
    expect(refused).toMatchObject({ ok: false, error: { code: 'removed' } });
    expect(refused.ok ? '' : refused.error.message).toMatch(/host removed you/);
    expect(codeOf(await joinRoom(b.socket, room.id, '000000'))).toBe('removed');
    const fresh = await sockets.connect(server.url, bob);
    expect(codeOf(await joinRoom(fresh, room.id, room.pin))).toBe('removed');
    const res = await api(server.url, 'POST', `/api/rooms/${room.id}/pin`, { cookie: host.cookie });
    const rotated = roomReplySchema.parse(await res.json()).room;
    expect(codeOf(await joinRoom(fresh, room.id, rotated.pin))).toBe('removed');

    // The rest of the room carries on, and so does a newcomer with the new PIN.
    const dave = await sockets.connect(server.url, await registerUser(server.url));
    const joined = await joinedRoom(dave, room.id, rotated.pin);
    expect(joined.peers.map((p) => p.peerId).sort()).toEqual([h.self.peerId, c.self.peerId].sort());
  });

  it('answers bad requests with clear errors and changes nothing', async () => {
    server = await startTestServer();
    const { host, room, h, b, c } = await party();
    const outsider = await sockets.connect(server.url, await registerUser(server.url));
    const hostTab = await sockets.connect(server.url, host);
    const tab = await joinedRoom(hostTab, room.id, room.pin);
    const removedEvents = recordEvents(b.socket, 'room:removed');

    for (const payload of [undefined, null, 'bob', 42, {}, { peerId: '' }, { peerId: 7 }]) {
      const reply = await remove(h.socket, payload);
      expect(codeOf(reply)).toBe('bad_request');
      expect(reply.ok ? '' : reply.error.message).not.toBe('');
    }
    expect(await remove(h.socket, { peerId: 'x'.repeat(65) })).toMatchObject({
      error: { code: 'bad_request' },
    });
    expect(await remove(h.socket, { peerId: 'nobody' })).toMatchObject({
      error: { code: 'peer_not_found' },
    });
    expect(await remove(b.socket, { peerId: c.self.peerId })).toMatchObject({
      error: { code: 'forbidden', message: expect.stringContaining('only the host') },
    });
    expect(await remove(outsider, { peerId: b.self.peerId })).toMatchObject({
      error: { code: 'not_in_room' },
    });
    // Never the host itself, in any of its connections.
    for (const peerId of [h.self.peerId, tab.self.peerId]) {
      expect(await remove(h.socket, { peerId })).toMatchObject({
        error: { code: 'forbidden', message: expect.stringContaining('yourself') },
      });
    }
    // Without an ack, the failure comes back as server:error.
    const told = nextEvent(b.socket, 'server:error', socketErrorSchema);
    b.socket.emit('room:remove', { peerId: c.self.peerId });
    expect(await told).toMatchObject({ event: 'room:remove', error: { code: 'forbidden' } });

    await roundTrip(b.socket);
    expect(removedEvents).toEqual([]);
    expect(codeOf(await signal(b.socket, c.self.peerId))).toBe('ok');
    expect(codeOf(await signal(c.socket, b.self.peerId))).toBe('ok');
    expect(codeOf(await joinRoom(b.socket, room.id, room.pin))).toBe('ok');
  });

  it('keeps the bar across a restart, and the host always gets in', async () => {
    server = await startTestServer();
    const { host, bob, room, h, b } = await party();
    expect(await remove(h.socket, { peerId: b.self.peerId })).toEqual({ ok: true });
    sockets.closeAll();
    const dataDir = server.dataDir;
    await server.stop({ keepData: true });
    server = await startTestServer({ dataDir });

    const again = await sockets.connect(server.url, bob);
    expect(codeOf(await joinRoom(again, room.id, room.pin))).toBe('removed');
    const hostAgain = await sockets.connect(server.url, host);
    expect(codeOf(await joinRoom(hostAgain, room.id, room.pin))).toBe('ok');
  });
});
