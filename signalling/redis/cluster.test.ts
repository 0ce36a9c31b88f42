import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { roomListReplySchema, roomReplySchema, userReplySchema } from '../../shared/http';
import {
  joinSuccessSchema,
  peerInfoSchema,
  peerLeftSchema,
  pinAttemptsSchema,
  relayedSignalSchema,
  roomClosedSchema,
  roomRemovedSchema,
} from '../../shared/socket';
import { type Cluster, startCluster, startNodeProcess } from '../testing/cluster';
import {
  api,
  codeOf,
  connectSocket,
  createRoom,
  joinedRoom,
  joinRoom,
  nextEvent,
  openSocket,
  recordEvents,
  registerUser,
  roundTrip,
  sessionCookieOf,
  socketPool,
  until,
  wrongPin,
} from '../testing/harness';
import { redisMissing } from '../testing/redis-server';
import { NODE_HEARTBEAT } from './node-presence';

const sockets = socketPool();
afterEach(() => sockets.closeAll());

describe.skipIf(redisMissing !== undefined)(
  `two nodes sharing Redis${redisMissing ? ` (skipped: ${redisMissing})` : ''}`,
  () => {
    let cluster: Cluster;
    beforeAll(async () => {
      cluster = await startCluster({
        PIN_LIMIT_PER_ROOM: '4',
        AUTH_LIMIT_PER_USERNAME: '3',
        SESSIONS_PER_USER: '3',
      });
    });
    afterAll(() => cluster?.stop());

    it('carries joins, signals, peer:joined, peer:left and room:closed between nodes', async () => {
      const { a, b } = cluster;
      const host = await registerUser(a.url);
      const room = await createRoom(a.url, host);
      const hs = await sockets.connect(a.url, host);
      const hostAck = await joinedRoom(hs, room.id, room.pin);

      const ann = await sockets.connect(b.url, await registerUser(b.url));
      const annJoined = nextEvent(hs, 'peer:joined', peerInfoSchema);
      const annAck = await joinedRoom(ann, room.id, room.pin);
      expect(annAck.hostPeerId).toBe(hostAck.self.peerId);
      expect(annAck.peers.map((p) => p.peerId)).toEqual([hostAck.self.peerId]);
      expect((await annJoined).peerId).toBe(annAck.self.peerId);

      const toHost = nextEvent(hs, 'signal', relayedSignalSchema);
      const sent = await ann
        .timeout(3000)
        .emitWithAck('signal', { to: hostAck.self.peerId, data: { type: 'offer', sdp: 'v=0' } });
      expect(sent).toEqual({ ok: true });
      expect(await toHost).toEqual({
        from: annAck.self.peerId,
        data: { type: 'offer', sdp: 'v=0' },
      });
      const toAnn = nextEvent(ann, 'signal', relayedSignalSchema);
      hs.emit('signal', { to: annAck.self.peerId, data: { type: 'answer', sdp: 'v=1' } });
      expect((await toAnn).from).toBe(hostAck.self.peerId);

      const bob = await sockets.connect(b.url, await registerUser(a.url));
      const bobAck = await joinedRoom(bob, room.id, room.pin);
      expect(bobAck.peers.map((p) => p.peerId).sort()).toEqual(
        [hostAck.self.peerId, annAck.self.peerId].sort(),
      );

      const annLeft = nextEvent(hs, 'peer:left', peerLeftSchema);
      expect(await ann.timeout(3000).emitWithAck('room:leave')).toEqual({ ok: true });
      expect(await annLeft).toEqual({ peerId: annAck.self.peerId });

      // Closed over HTTP on node B: the host on A and the guest on B are both told and removed.
      const hostClosed = nextEvent(hs, 'room:closed', roomClosedSchema);
      const bobClosed = nextEvent(bob, 'room:closed', roomClosedSchema);
      const del = await api(b.url, 'DELETE', `/api/rooms/${room.id}`, { cookie: host.cookie });
      expect(del.status).toBe(204);
      expect(await hostClosed).toEqual({ roomId: room.id, reason: 'closed_by_host' });
      expect(await bobClosed).toEqual({ roomId: room.id, reason: 'closed_by_host' });
      const after = await bob
        .timeout(3000)
        .emitWithAck('signal', { to: hostAck.self.peerId, data: { type: 'offer', sdp: 'x' } });
      expect(after).toMatchObject({ ok: false, error: { code: 'not_in_room' } });
    });

    it('removes a member from both nodes at once and bars the account on each', async () => {
      const { a, b } = cluster;
      const host = await registerUser(a.url);
      const bob = await registerUser(b.url);
      const room = await createRoom(a.url, host);
      const hs = await sockets.connect(a.url, host);
      const hostAck = await joinedRoom(hs, room.id, room.pin);
      const carol = await sockets.connect(b.url, await registerUser(a.url));
      const carolAck = await joinedRoom(carol, room.id, room.pin);
      const bobOnB = await sockets.connect(b.url, bob);
      const bobOnA = await sockets.connect(a.url, bob);
      const bobB = await joinedRoom(bobOnB, room.id, room.pin);
      const bobA = await joinedRoom(bobOnA, room.id, room.pin);
      const carolHeard = recordEvents(carol, 'peer:left');
      const told = [bobOnB, bobOnA].map((s) => nextEvent(s, 'room:removed', roomRemovedSchema));

      expect(
        await hs.timeout(3000).emitWithAck('room:remove', { peerId: bobB.self.peerId }),
      ).toEqual({ ok: true });
      // Once the host has its answer, the connection on the other node relays nothing more.
      const offer = { type: 'offer', sdp: 'v=0' } as const;
      for (const [s, to] of [
        [bobOnB, hostAck.self.peerId],
        [bobOnA, carolAck.self.peerId],
      ] as const) {
        expect(codeOf(await s.timeout(3000).emitWithAck('signal', { to, data: offer }))).toBe(
          'not_in_room',
        );
      }
      expect(await Promise.all(told)).toEqual([{ roomId: room.id }, { roomId: room.id }]);
      await until(() => carolHeard.length === 2);
      expect(carolHeard.map((e) => peerLeftSchema.parse(e).peerId).sort()).toEqual(
        [bobA.self.peerId, bobB.self.peerId].sort(),
      );

      const rotated = await api(b.url, 'POST', `/api/rooms/${room.id}/pin`, {
        cookie: host.cookie,
      });
      const pin = roomReplySchema.parse(await rotated.json()).room.pin;
      for (const [s, p] of [
        [bobOnA, room.pin],
        [bobOnB, pin],
        [bobOnA, pin],
      ] as const) {
        expect(codeOf(await joinRoom(s, room.id, p))).toBe('removed');
      }
      expect(codeOf(await joinRoom(carol, room.id, pin))).toBe('ok');
    });

    it('tells members on the other node when a guest disconnects', async () => {
      const { a, b } = cluster;
      const host = await registerUser(a.url);
      const room = await createRoom(a.url, host);
      const hs = await sockets.connect(a.url, host);
      await joinedRoom(hs, room.id, room.pin);
      const guest = await connectSocket(b.url, (await registerUser(b.url)).cookie);
      const guestAck = await joinedRoom(guest, room.id, room.pin);
      const left = nextEvent(hs, 'peer:left', peerLeftSchema);
      guest.close();
      expect(await left).toEqual({ peerId: guestAck.self.peerId });
    });

    it("spends one room's PIN budget across both nodes and alerts the host wherever it is", async () => {
      const { a, b } = cluster;
      const host = await registerUser(a.url);
      const room = await createRoom(a.url, host);
      const hs = await sockets.connect(b.url, host);
      await joinedRoom(hs, room.id, room.pin);
      const reports = recordEvents(hs, 'room:pin-attempts');
      for (const node of [a, b, a, b]) {
        const guesser = await sockets.connect(node.url, await registerUser(node.url));
        expect(await joinRoom(guesser, room.id, wrongPin(room))).toMatchObject({
          ok: false,
          error: { code: 'wrong_pin' },
        });
      }
      for (const node of [a, b]) {
        const late = await sockets.connect(node.url, await registerUser(node.url));
        expect(await joinRoom(late, room.id, room.pin)).toMatchObject({
          ok: false,
          error: { code: 'rate_limited' },
        });
      }
      await expect
        .poll(() => reports.map((r) => pinAttemptsSchema.parse(r).failed))
        .toEqual([1, 2, 3, 4]);
    });

    it('signs an account made on A in on B, and a logout on B cuts its socket on A', async () => {
      const { a, b } = cluster;
      const account = await registerUser(a.url);
      const me = await api(b.url, 'GET', '/api/auth/me', { cookie: account.cookie });
      expect(userReplySchema.parse(await me.json()).user).toEqual(account.user);
      const login = await api(b.url, 'POST', '/api/auth/login', {
        body: { username: account.username.toUpperCase(), password: account.password },
      });
      expect(login.status).toBe(200);
      const taken = await api(b.url, 'POST', '/api/auth/register', {
        body: { username: account.username, password: account.password },
      });
      expect(taken.status).toBe(409);

      const onA = await sockets.connect(a.url, { ...account, cookie: sessionCookieOf(login) });
      const cut = new Promise<string>((resolve) => onA.once('disconnect', resolve));
      const out = await api(b.url, 'POST', '/api/auth/logout', {
        cookie: sessionCookieOf(login),
      });
      expect(out.status).toBe(204);
      expect(await cut).toBe('io server disconnect');
    });

    it("caps an account's sessions across both nodes and cuts the oldest's socket wherever it is", async () => {
      const { a, b } = cluster;
      const account = await registerUser(a.url);
      const onA = await sockets.connect(a.url, account);
      const cut = new Promise<string>((resolve) => onA.once('disconnect', resolve));
      const cookies: string[] = [];
      for (const node of [b, a, b]) {
        const res = await api(node.url, 'POST', '/api/auth/login', {
          body: { username: account.username, password: account.password },
        });
        expect(res.status).toBe(200);
        cookies.push(sessionCookieOf(res));
      }
      // SESSIONS_PER_USER is 3 here: the registration's session went with the third sign-in.
      expect(await cut).toBe('io server disconnect');
      const me = (cookie: string) => api(a.url, 'GET', '/api/auth/me', { cookie });
      expect((await me(account.cookie)).status).toBe(401);
      for (const cookie of cookies) expect((await me(cookie)).status).toBe(200);
    });

    it('spends one sign-in budget per username across both nodes, and knows pairs on both', async () => {
      const { a, b } = cluster;
      const login = (node: typeof a, username: string, password: string) =>
        api(node.url, 'POST', '/api/auth/login', { body: { username, password } });
      // A username that never signed in from here: its budget counts on both nodes.
      const stranger = `nobody_${Date.now().toString(36)}`;
      for (const node of [a, b, a]) {
        expect((await login(node, stranger, 'wrong password')).status).toBe(401);
      }
      expect((await login(b, stranger, 'wrong password')).status).toBe(429);
      // An account registered on A from this address is a known pair on B too: its own
      // attempts, not the username's budget, decide.
      const account = await registerUser(a.url);
      for (const [node, password, status] of [
        [b, 'wrong password', 401],
        [a, 'wrong password', 401],
        [b, 'wrong password', 401],
        [a, account.password, 200],
      ] as const) {
        expect((await login(node, account.username, password)).status).toBe(status);
      }
    });

    it('lets people joining at once on both nodes see each other exactly once', async () => {
      const { a, b } = cluster;
      const host = await registerUser(a.url);
      const room = await createRoom(a.url, host);
      // Four: each join holds a point of the room's budget (PIN_LIMIT_PER_ROOM) while judged.
      const people = await Promise.all(
        Array.from({ length: 4 }, async (_, i) => {
          const node = i % 2 === 0 ? a : b;
          return sockets.connect(node.url, await registerUser(node.url));
        }),
      );
      // What each learns after its ack; a peer:joined before it is one the client drops.
      const acked = people.map(() => false);
      const lateJoins = people.map((s, i) => {
        const seen: string[] = [];
        s.on('peer:joined', (p) => {
          if (acked[i]) seen.push(p.peerId);
        });
        return seen;
      });
      const acks = await Promise.all(
        people.map(async (s, i) => {
          const ack = await joinedRoom(s, room.id, room.pin);
          acked[i] = true;
          return ack;
        }),
      );
      const ids = acks.map((ack) => ack.self.peerId);
      // Each learns of the others in its ack or by a peer:joined after it, across nodes.
      await until(() =>
        acks.every((ack, i) => ack.peers.length + (lateJoins[i]?.length ?? 0) >= ids.length - 1),
      );
      const listed = acks.map((ack) => new Set(ack.peers.map((p) => p.peerId)));
      // Never both ways: each would dial the other.
      acks.forEach((ack, i) => {
        for (const [j, other] of listed.entries()) {
          if (other.has(ack.self.peerId)) expect(listed[i]?.has(ids[j] ?? '')).toBe(false);
        }
      });
      acks.forEach((ack, i) => {
        const viaAck = ack.peers.map((p) => p.peerId);
        const seen = [...viaAck, ...(lateJoins[i] ?? [])].sort();
        expect(seen).toEqual(ids.filter((id) => id !== ack.self.peerId).sort());
      });
    });

    it('after a clean shutdown keeps those who resume elsewhere and lets the others go after a grace', async () => {
      const { a } = cluster;
      const leaving = await startNodeProcess(cluster.env);
      try {
        const host = await registerUser(a.url);
        const room = await createRoom(a.url, host);
        const hs = await sockets.connect(a.url, host);
        await joinedRoom(hs, room.id, room.pin);
        const nodeB = new URL(leaving.url);
        const ann = await registerUser(nodeB);
        const annAck = await joinedRoom(await connectSocket(nodeB, ann.cookie), room.id, room.pin);
        const bobAck = await joinedRoom(
          await sockets.connect(nodeB, await registerUser(nodeB)),
          room.id,
          room.pin,
        );
        const left = recordEvents(hs, 'peer:left');
        await leaving.stop();

        // Ann's browser reconnects through the node that is left and takes her peerId back.
        const back = await sockets.connect(a.url, ann);
        const annBack = joinSuccessSchema.parse(
          await back.timeout(6000).emitWithAck('room:join', {
            roomId: room.id,
            pin: room.pin,
            resume: { peerId: annAck.self.peerId, token: annAck.resumeToken ?? '' },
          }),
        );
        expect(annBack.self.peerId).toBe(annAck.self.peerId);
        expect(left).toEqual([]);
        // Bob never comes back: after the grace he is let go, and only he.
        await expect
          .poll(() => left.length, {
            timeout: NODE_HEARTBEAT.resumeGraceMs + 3 * NODE_HEARTBEAT.intervalMs,
            interval: 200,
          })
          .toBe(1);
        expect(left).toEqual([{ peerId: bobAck.self.peerId }]);
      } finally {
        await leaving.stop();
      }
    }, 40_000);

    it('keeps the room when a node dies, lets its people back in through the other, and drops their ghosts', async () => {
      const { a } = cluster;
      const doomed = await startNodeProcess(cluster.env);
      const nodeB = new URL(doomed.url);
      try {
        const host = await registerUser(a.url);
        const room = await createRoom(a.url, host);
        const hs = await sockets.connect(a.url, host);
        const hostAck = await joinedRoom(hs, room.id, room.pin);
        const stay = await sockets.connect(a.url, await registerUser(a.url));
        await joinedRoom(stay, room.id, room.pin);

        const guest = await registerUser(nodeB);
        const gone = await connectSocket(nodeB, guest.cookie);
        const goneAck = await joinedRoom(gone, room.id, room.pin);
        const dropped = new Promise<string>((resolve) => gone.once('disconnect', resolve));
        const ghostLeft = nextEvent(
          hs,
          'peer:left',
          peerLeftSchema,
          NODE_HEARTBEAT.ttlMs + 4 * NODE_HEARTBEAT.intervalMs,
        );
        await doomed.crash();
        await dropped;
        gone.close();

        // The browser reconnects through the node that is left, with a new peerId.
        const back = await sockets.connect(a.url, guest);
        const hostSees = nextEvent(hs, 'peer:joined', peerInfoSchema);
        const backAck = await joinedRoom(back, room.id, room.pin);
        expect(backAck.hostPeerId).toBe(hostAck.self.peerId);
        expect((await hostSees).peerId).toBe(backAck.self.peerId);
        const relayed = nextEvent(back, 'signal', relayedSignalSchema);
        hs.emit('signal', { to: backAck.self.peerId, data: { type: 'offer', sdp: 'v=0' } });
        expect((await relayed).from).toBe(hostAck.self.peerId);

        expect(await ghostLeft).toEqual({ peerId: goneAck.self.peerId });
      } finally {
        await doomed.stop();
      }
    }, 40_000);
  },
);

describe.skipIf(redisMissing !== undefined)(
  `caps shared by two nodes${redisMissing ? ` (skipped: ${redisMissing})` : ''}`,
  () => {
    let cluster: Cluster;
    beforeAll(async () => {
      cluster = await startCluster({
        SOCKETS_PER_USER: '3',
        ROOM_MAX_MEMBERS: '3',
        ROOMS_PER_USER: '3',
      });
    });
    afterAll(() => cluster?.stop());

    it("counts an account's sockets on both nodes", async () => {
      const { a, b } = cluster;
      const user = await registerUser(a.url);
      const held = [
        await sockets.connect(a.url, user),
        await sockets.connect(b.url, user),
        await sockets.connect(a.url, user),
      ];
      for (const s of held) await roundTrip(s);
      for (const node of [b, a]) {
        // Listening from the start: the refusal may come in the same read as the connect.
        const extra = openSocket(node.url, user.cookie);
        const cut = new Promise<string>((resolve) => extra.once('disconnect', resolve));
        try {
          expect(await cut).toBe('io server disconnect');
        } finally {
          extra.close();
        }
      }
      for (const s of held) await roundTrip(s);
      expect(held.every((s) => s.connected)).toBe(true);
    });

    it("counts an account's open rooms once, whichever node creates them", async () => {
      const { a, b } = cluster;
      const host = await registerUser(a.url);
      const attempts = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          api(i % 2 === 0 ? a.url : b.url, 'POST', '/api/rooms', { cookie: host.cookie, body: {} }),
        ),
      );
      expect(attempts.filter((r) => r.status === 201)).toHaveLength(3);
      expect(attempts.filter((r) => r.status === 409)).toHaveLength(5);
      const listed = await api(b.url, 'GET', '/api/rooms', { cookie: host.cookie });
      expect(roomListReplySchema.parse(await listed.json()).rooms).toHaveLength(3);
    });

    it('fills a room once whichever node people join through, and lets its host in', async () => {
      const { a, b } = cluster;
      const host = await registerUser(a.url);
      const room = await createRoom(a.url, host);
      const guests = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const node = i % 2 === 0 ? a : b;
          return sockets.connect(node.url, await registerUser(node.url));
        }),
      );
      const acks = await Promise.all(guests.map((g) => joinRoom(g, room.id, room.pin)));
      expect(acks.filter((ack) => ack.ok)).toHaveLength(3);
      expect(acks.filter((ack) => codeOf(ack) === 'room_full')).toHaveLength(5);
      await joinedRoom(await sockets.connect(b.url, host), room.id, room.pin);
    });
  },
);
