import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinSuccessSchema,
  peerInfoSchema,
  peerLeftSchema,
  relayedSignalSchema,
  roomClosedSchema,
  socketErrorSchema,
} from '../../shared/socket';
import {
  api,
  connectSocket,
  createRoom,
  handshakeOutcome,
  joinRoom,
  nextEvent,
  recordEvents,
  registerUser,
  roundTrip,
  socketPool,
  startTestServer,
  type TestServer,
  until,
} from '../testing/harness';

let server: TestServer;
const sockets = socketPool();

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  sockets.closeAll();
  await server.stop();
});

describe('joining a room', () => {
  it('admits the right PIN, lists peers and tells the others', async () => {
    const host = await registerUser(server.url);
    const guest = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const hs = await sockets.connect(server.url, host);
    const hostAck = joinSuccessSchema.parse(await joinRoom(hs, room.id, room.pin));
    expect(hostAck.hostPeerId).toBe(hostAck.self.peerId);
    expect(hostAck.peers).toEqual([]);

    const gs = await sockets.connect(server.url, guest);
    const joined = nextEvent(hs, 'peer:joined', peerInfoSchema);
    const guestAck = joinSuccessSchema.parse(await joinRoom(gs, room.id, room.pin));
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
    const room = await createRoom(server.url, host);
    const s = await sockets.connect(server.url, await registerUser(server.url));
    const wrong = room.pin === '000000' ? '000001' : '000000';
    expect(await joinRoom(s, room.id, wrong)).toMatchObject({
      ok: false,
      error: { code: 'wrong_pin' },
    });
    expect(await joinRoom(s, 'aaa-aaaa-aaa', room.pin)).toMatchObject({
      ok: false,
      error: { code: 'room_not_found' },
    });
    const del = await api(server.url, 'DELETE', `/api/rooms/${room.id}`, { cookie: host.cookie });
    expect(del.status).toBe(204);
    expect(await joinRoom(s, room.id, room.pin)).toMatchObject({
      ok: false,
      error: { code: 'room_closed' },
    });
  });

  it('tells members when the host closes the room and removes them', async () => {
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const a = await sockets.connect(server.url, await registerUser(server.url));
    const b = await sockets.connect(server.url, await registerUser(server.url));
    joinSuccessSchema.parse(await joinRoom(a, room.id, room.pin));
    const bAck = joinSuccessSchema.parse(await joinRoom(b, room.id, room.pin));
    const closed = nextEvent(a, 'room:closed', roomClosedSchema);
    await api(server.url, 'DELETE', `/api/rooms/${room.id}`, { cookie: host.cookie });
    expect(await closed).toEqual({ roomId: room.id, reason: 'closed_by_host' });
    const err = nextEvent(a, 'server:error', socketErrorSchema);
    a.emit('signal', { to: bAck.self.peerId, data: { type: 'offer', sdp: 'x' } });
    expect((await err).error.code).toBe('not_in_room');
  });

  it('moves a socket that joins a second room out of the first', async () => {
    const host = await registerUser(server.url);
    const r1 = await createRoom(server.url, host);
    const r2 = await createRoom(server.url, host);
    const watcher = await sockets.connect(server.url, await registerUser(server.url));
    joinSuccessSchema.parse(await joinRoom(watcher, r1.id, r1.pin));
    const mover = await sockets.connect(server.url, await registerUser(server.url));
    const first = joinSuccessSchema.parse(await joinRoom(mover, r1.id, r1.pin));
    const left = nextEvent(watcher, 'peer:left', peerLeftSchema);
    const second = joinSuccessSchema.parse(await joinRoom(mover, r2.id, r2.pin));
    expect(await left).toEqual({ peerId: first.self.peerId });
    expect(second.peers).toEqual([]);
    expect(second.hostPeerId).toBeNull();
  });

  it('room:leave leaves and tells the others', async () => {
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const a = await sockets.connect(server.url, await registerUser(server.url));
    const b = await sockets.connect(server.url, await registerUser(server.url));
    joinSuccessSchema.parse(await joinRoom(a, room.id, room.pin));
    const bAck = joinSuccessSchema.parse(await joinRoom(b, room.id, room.pin));
    const left = nextEvent(a, 'peer:left', peerLeftSchema);
    expect(await b.timeout(2000).emitWithAck('room:leave')).toEqual({ ok: true });
    expect(await left).toEqual({ peerId: bAck.self.peerId });
    const again = joinSuccessSchema.parse(await joinRoom(b, room.id, room.pin));
    expect(again.peers.map((p) => p.peerId)).not.toContain(bAck.self.peerId);
  });

  it('lets people who join at the same moment see each other exactly once', async () => {
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const people = await Promise.all(
      Array.from({ length: 5 }, async () =>
        sockets.connect(server.url, await registerUser(server.url)),
      ),
    );
    const joinedSeen = people.map((s) => recordEvents(s, 'peer:joined'));
    const acks = (await Promise.all(people.map((s) => joinRoom(s, room.id, room.pin)))).map((a) =>
      joinSuccessSchema.parse(a),
    );
    // Every peer:joined went out before the ack of the join it announces.
    await Promise.all(people.map(roundTrip));
    const ids = acks.map((a) => a.self.peerId);
    acks.forEach((ack, i) => {
      const viaAck = ack.peers.map((p) => p.peerId);
      const viaEvent = (joinedSeen[i] ?? []).map((p) => peerInfoSchema.parse(p).peerId);
      const seen = [...viaAck, ...viaEvent].sort();
      expect(seen).toEqual(ids.filter((id) => id !== ack.self.peerId).sort());
    });
  });
});

describe('a socket that drops while joining', () => {
  it('leaves no ghost behind', async () => {
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const watcher = await sockets.connect(server.url, await registerUser(server.url));
    const watcherAck = joinSuccessSchema.parse(await joinRoom(watcher, room.id, room.pin));
    const joined = recordEvents(watcher, 'peer:joined');
    const left = recordEvents(watcher, 'peer:left');
    const dropped: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const s = await connectSocket(server.url, (await registerUser(server.url)).cookie);
      dropped.push(s.id ?? '');
      s.emit('room:join', { roomId: room.id, pin: room.pin }, () => undefined);
      s.close();
    }
    // Once the server has let go of them, none can announce itself any more (a join checks
    // the socket is connected right before peer:joined); then the watcher has every event.
    const live = server.app.io.sockets.sockets;
    await until(() => dropped.every((id) => !live.has(id)));
    await roundTrip(watcher);
    const joinedIds = joined.map((p) => peerInfoSchema.parse(p).peerId).sort();
    const leftIds = left.map((p) => peerLeftSchema.parse(p).peerId).sort();
    expect(leftIds).toEqual(expect.arrayContaining(joinedIds));
    const late = await sockets.connect(server.url, await registerUser(server.url));
    const ack = joinSuccessSchema.parse(await joinRoom(late, room.id, room.pin));
    // Only the watcher is really there.
    expect(ack.peers.map((p) => p.peerId)).toEqual([watcherAck.self.peerId]);
  });
});

describe('the handshake', () => {
  it('refuses a socket without a session', async () => {
    await expect(connectSocket(server.url, undefined)).rejects.toThrow();
    const forged = `lc_session=${'x'.repeat(43)}`;
    await expect(connectSocket(server.url, forged)).rejects.toThrow();
    expect(await handshakeOutcome(server.url, undefined)).toBe('unauthorized');
    expect(await handshakeOutcome(server.url, forged)).toBe('unauthorized');
    expect(await handshakeOutcome(server.url, 'lc_session=%E0%A4%A')).toBe('unauthorized');
  });

  it('keeps no Engine.IO session for a handshake it refuses', async () => {
    const engine = server.app.io.engine;
    const before = engine.clientsCount;
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, () => handshakeOutcome(server.url, undefined)),
    );
    expect(new Set(outcomes)).toEqual(new Set(['unauthorized']));
    expect(engine.clientsCount).toBe(before);
    // Foreign origins are refused before the cookie is looked at.
    const a = await registerUser(server.url);
    expect(await handshakeOutcome(server.url, a.cookie, { origin: 'https://evil.example' })).toBe(
      'forbidden_origin',
    );
    expect(await handshakeOutcome(server.url, a.cookie)).toBe('accepted');
  });

  it('speaks WebSocket only: no long-polling session, even with a valid cookie', async () => {
    const a = await registerUser(server.url);
    const res = await api(server.url, 'GET', '/socket.io/?EIO=4&transport=polling', {
      cookie: a.cookie,
      headers: { origin: server.origin },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('"sid"');
  });

  it('refuses a foreign or missing Origin before looking at the cookie', async () => {
    const a = await registerUser(server.url);
    await expect(
      connectSocket(server.url, a.cookie, { origin: 'https://evil.example' }),
    ).rejects.toThrow();
    await expect(
      connectSocket(server.url, a.cookie, {
        origin: `http://127.0.0.1:${Number(server.url.port) + 1}`,
      }),
    ).rejects.toThrow();
    await expect(connectSocket(server.url, a.cookie, { origin: null })).rejects.toThrow();
    const localhost = await connectSocket(server.url, a.cookie, {
      origin: `http://localhost:${server.url.port}`,
    });
    localhost.close();
  });
});

describe('the relay', () => {
  it('reaches members of the same room only, and says nothing about other rooms', async () => {
    const hostA = await registerUser(server.url);
    const hostB = await registerUser(server.url);
    const roomA = await createRoom(server.url, hostA);
    const roomB = await createRoom(server.url, hostB);
    const a1 = await sockets.connect(server.url, await registerUser(server.url));
    const a2 = await sockets.connect(server.url, await registerUser(server.url));
    const b1 = await sockets.connect(server.url, await registerUser(server.url));
    const outsider = await sockets.connect(server.url, await registerUser(server.url));
    const a1Ack = joinSuccessSchema.parse(await joinRoom(a1, roomA.id, roomA.pin));
    joinSuccessSchema.parse(await joinRoom(a2, roomA.id, roomA.pin));
    const b1Ack = joinSuccessSchema.parse(await joinRoom(b1, roomB.id, roomB.pin));
    const b1Signals = recordEvents(b1, 'signal');
    const offer = { type: 'offer', sdp: 'v=0' } as const;

    const toOtherRoom = await a2
      .timeout(2000)
      .emitWithAck('signal', { to: b1Ack.self.peerId, data: offer });
    const toNobody = await a2
      .timeout(2000)
      .emitWithAck('signal', { to: 'no-such-peer', data: offer });
    expect(toOtherRoom).toEqual(toNobody);
    expect(toOtherRoom).toMatchObject({ ok: false, error: { code: 'peer_not_found' } });

    const fromOutsider = await outsider
      .timeout(2000)
      .emitWithAck('signal', { to: a1Ack.self.peerId, data: offer });
    expect(fromOutsider).toMatchObject({ ok: false, error: { code: 'not_in_room' } });

    const toSelf = await a1
      .timeout(2000)
      .emitWithAck('signal', { to: a1Ack.self.peerId, data: offer });
    expect(toSelf).toMatchObject({ ok: false, error: { code: 'peer_not_found' } });

    // A relay happens before the sender's ack, so anything relayed to b1 is on its way now.
    await roundTrip(b1);
    expect(b1Signals).toEqual([]);
  });

  it('stamps the sender and keeps only known signal fields', async () => {
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const a = await sockets.connect(server.url, await registerUser(server.url));
    const b = await sockets.connect(server.url, await registerUser(server.url));
    const aAck = joinSuccessSchema.parse(await joinRoom(a, room.id, room.pin));
    const bAck = joinSuccessSchema.parse(await joinRoom(b, room.id, room.pin));
    const got = nextEvent(a, 'signal', relayedSignalSchema);
    const data = {
      type: 'candidate',
      candidate: {
        candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
        sdpMid: '0',
        extra: 1,
      },
      from: 'spoofed',
    };
    b.emit('signal', { to: aAck.self.peerId, data } as never);
    const relayed = await got;
    expect(relayed.from).toBe(bAck.self.peerId);
    expect(relayed.data).toEqual({
      type: 'candidate',
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0' },
    });
  });

  it('keeps the order of signals from one sender', async () => {
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const a = await sockets.connect(server.url, await registerUser(server.url));
    const b = await sockets.connect(server.url, await registerUser(server.url));
    const aAck = joinSuccessSchema.parse(await joinRoom(a, room.id, room.pin));
    joinSuccessSchema.parse(await joinRoom(b, room.id, room.pin));
    const seen = recordEvents(a, 'signal');
    for (let i = 0; i < 30; i += 1) {
      b.emit('signal', { to: aAck.self.peerId, data: { type: 'offer', sdp: `n=${i}` } });
    }
    await until(() => seen.length >= 30);
    expect(seen.map((s) => relayedSignalSchema.parse(s).data)).toEqual(
      Array.from({ length: 30 }, (_, i) => ({ type: 'offer', sdp: `n=${i}` })),
    );
  });
});
