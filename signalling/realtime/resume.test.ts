import { afterEach, describe, expect, it } from 'vitest';
import {
  type JoinSuccess,
  peerInfoSchema,
  peerLeftSchema,
  type Resume,
  relayedSignalSchema,
} from '../../shared/socket';
import {
  createRoom,
  joinedRoom,
  joinRoom,
  nextEvent,
  recordEvents,
  registerUser,
  socketPool,
  startTestServer,
  type TestServer,
  wrongPin,
} from '../testing/harness';

const servers: TestServer[] = [];
const sockets = socketPool();

afterEach(async () => {
  sockets.closeAll();
  for (const s of servers.splice(0)) await s.stop();
});

async function start(dataDir?: string): Promise<TestServer> {
  const server = await startTestServer({ dataDir });
  servers.push(server);
  return server;
}

/** Stops a server gracefully and forgets it, keeping its data for the next start. */
async function stopKeepingData(server: TestServer): Promise<void> {
  servers.splice(servers.indexOf(server), 1);
  await server.stop({ keepData: true });
}

/** What a client sends to take back the peerId an earlier join gave it. */
function resumeOf(ack: JoinSuccess): Resume {
  if (!ack.resumeToken) throw new Error('the join ack carries no resume token');
  return { peerId: ack.self.peerId, token: ack.resumeToken };
}

describe('resuming a peerId', () => {
  it('survives a graceful restart: nobody is told anyone left, and everyone gets their peerId back', async () => {
    const first = await start();
    const host = await registerUser(first.url);
    const guest = await registerUser(first.url);
    const room = await createRoom(first.url, host);
    const hs = await sockets.connect(first.url, host);
    const hostAck = await joinedRoom(hs, room.id, room.pin);
    const gs = await sockets.connect(first.url, guest);
    const guestAck = await joinedRoom(gs, room.id, room.pin);
    const leftSeen = [recordEvents(hs, 'peer:left'), recordEvents(gs, 'peer:left')];
    const dropped = Promise.all(
      [hs, gs].map((s) => new Promise<string>((resolve) => s.once('disconnect', resolve))),
    );

    await stopKeepingData(first);
    // A lost connection, not a kick: a browser's socket.io retries by itself after this.
    expect(await dropped).toEqual(['transport close', 'transport close']);
    expect(leftSeen).toEqual([[], []]);

    const second = await start(first.dataDir);
    const hs2 = await sockets.connect(second.url, host);
    const hostBack = await joinedRoom(hs2, room.id, room.pin, resumeOf(hostAck));
    expect(hostBack.self.peerId).toBe(hostAck.self.peerId);
    expect(hostBack.hostPeerId).toBe(hostAck.self.peerId);

    const gs2 = await sockets.connect(second.url, guest);
    const joined = nextEvent(hs2, 'peer:joined', peerInfoSchema);
    const guestBack = await joinedRoom(gs2, room.id, room.pin, resumeOf(guestAck));
    expect(guestBack.self.peerId).toBe(guestAck.self.peerId);
    expect(guestBack.hostPeerId).toBe(hostAck.self.peerId);
    expect((await joined).peerId).toBe(guestAck.self.peerId);

    // Signals addressed by the old peerIds reach the same people again.
    const relayed = nextEvent(hs2, 'signal', relayedSignalSchema);
    const ack = await gs2
      .timeout(3000)
      .emitWithAck('signal', { to: hostAck.self.peerId, data: { type: 'offer', sdp: 'v=0' } });
    expect(ack).toEqual({ ok: true });
    expect((await relayed).from).toBe(guestAck.self.peerId);
  });

  it('gives a fresh peerId for a token of another user, room or peerId, or a forged one', async () => {
    const server = await start();
    const host = await registerUser(server.url);
    const ann = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const other = await createRoom(server.url, host);
    const hostSocket = await sockets.connect(server.url, host);
    await joinedRoom(hostSocket, room.id, room.pin);
    const annFirst = await sockets.connect(server.url, ann);
    const annAck = await joinedRoom(annFirst, room.id, room.pin);
    const annResume = resumeOf(annAck);
    const otherAck = await joinedRoom(await sockets.connect(server.url, ann), other.id, other.pin);
    const annLeft = nextEvent(hostSocket, 'peer:left', peerLeftSchema);
    annFirst.close();
    // Ann is gone, so her peerId is free; only Ann in this room may take it.
    expect((await annLeft).peerId).toBe(annResume.peerId);

    const tries: Resume[] = [
      { peerId: annResume.peerId, token: resumeOf(otherAck).token }, // another room's token
      { peerId: otherAck.self.peerId, token: annResume.token }, // another peerId
      { peerId: annResume.peerId, token: `${annResume.token.slice(0, -2)}AA` }, // forged
      { peerId: annResume.peerId, token: 'x' }, // not even the right length
    ];
    for (const resume of tries) {
      const s = await sockets.connect(server.url, ann);
      const ack = await joinedRoom(s, room.id, room.pin, resume);
      expect(ack.self.peerId).not.toBe(resume.peerId);
      s.close();
    }
    // Bob holds Ann's token, but it was issued to Ann.
    const bobAck = await joinedRoom(
      await sockets.connect(server.url, bob),
      room.id,
      room.pin,
      annResume,
    );
    expect(bobAck.self.peerId).not.toBe(annResume.peerId);
    // Ann herself gets it back, and the PIN is still required.
    const annAgain = await sockets.connect(server.url, ann);
    expect(await joinRoom(annAgain, room.id, wrongPin(room), annResume)).toMatchObject({
      ok: false,
      error: { code: 'wrong_pin' },
    });
    expect((await joinedRoom(annAgain, room.id, room.pin, annResume)).self.peerId).toBe(
      annResume.peerId,
    );
  });

  it('does not hand out a peerId that a live socket in the room still holds', async () => {
    const server = await start();
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const first = await sockets.connect(server.url, host);
    const ack = await joinedRoom(first, room.id, room.pin);
    const second = await sockets.connect(server.url, host);
    const joined = nextEvent(first, 'peer:joined', peerInfoSchema);
    const again = await joinedRoom(second, room.id, room.pin, resumeOf(ack));
    expect(again.self.peerId).not.toBe(ack.self.peerId);
    expect(again.peers.map((p) => p.peerId)).toEqual([ack.self.peerId]);
    expect((await joined).peerId).toBe(again.self.peerId);
  });

  it('refuses a malformed resume as a bad request', async () => {
    const server = await start();
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const s = await sockets.connect(server.url, host);
    const reply = await s.timeout(3000).emitWithAck('room:join', {
      roomId: room.id,
      pin: room.pin,
      resume: { peerId: 'p', token: 'x'.repeat(10_000) },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});
