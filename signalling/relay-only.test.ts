import Peer from '@thaunknown/simple-peer';
import { afterEach, describe, expect, it } from 'vitest';
import { iceReplySchema } from '../shared/http';
import { relayedSignalSchema } from '../shared/socket';
import { type Coturn, coturnMissing, startCoturn } from './testing/coturn';
import {
  type Account,
  api,
  type ClientSocket,
  connectSocket,
  createRoom,
  joinedRoom,
  registerUser,
  startTestServer,
  type TestServer,
} from './testing/harness';

/**
 * The server half of "hide my address": the TURN credentials /api/ice hands out work with a
 * real coturn, and two peers that allow only relay candidates connect through it, signalling
 * through our server as browsers do.
 */
let turn: Coturn | undefined;
let server: TestServer | undefined;
const cleanup: (() => void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) f();
  await server?.stop();
  await turn?.stop();
});

interface Side {
  account: Account;
  socket: ClientSocket;
  peerId: string;
  /** The candidate lines this side offered the other. */
  candidates: string[];
}

async function side(s: TestServer, roomId: string, pin: string, account: Account): Promise<Side> {
  const socket = await connectSocket(s.url, account.cookie);
  cleanup.push(() => socket.close());
  const ack = await joinedRoom(socket, roomId, pin);
  return { account, socket, peerId: ack.self.peerId, candidates: [] };
}

/** A relay-only peer for `self` talking to `other`, its signals going through the server. */
async function relayOnlyPeer(s: TestServer, self: Side, other: Side, initiator: boolean) {
  const res = await api(s.url, 'GET', '/api/ice', { cookie: self.account.cookie });
  const { iceServers } = iceReplySchema.parse(await res.json());
  // node-datachannel folds credentials into a URL (turn:user:pass@host) and decodes them again,
  // so the REST username's colon must be escaped there; browsers take the fields as they are.
  const forNode = iceServers.map((s) =>
    s.username === undefined
      ? s
      : {
          ...s,
          username: encodeURIComponent(s.username),
          credential: encodeURIComponent(s.credential ?? ''),
        },
  );
  const peer = new Peer({
    initiator,
    config: { iceServers: forNode, iceTransportPolicy: 'relay' },
  });
  cleanup.push(() => peer.destroy());
  peer.on('signal', (data) => {
    if (typeof data === 'object' && data !== null && 'candidate' in data) {
      const { candidate } = data;
      if (typeof candidate === 'object' && candidate !== null && 'candidate' in candidate) {
        self.candidates.push(String(candidate.candidate));
      }
    }
    self.socket.emit('signal', {
      to: other.peerId,
      data: relayedSignalSchema.shape.data.parse(data),
    });
  });
  self.socket.on('signal', (msg) => peer.signal(msg.data));
  peer.on('error', () => undefined);
  return peer;
}

async function pair(env: Record<string, string>) {
  server = await startTestServer({ env });
  const s = server;
  const host = await registerUser(s.url);
  const guest = await registerUser(s.url);
  const room = await createRoom(s.url, host);
  const a = await side(s, room.id, room.pin, host);
  const b = await side(s, room.id, room.pin, guest);
  const pa = await relayOnlyPeer(s, a, b, true);
  const pb = await relayOnlyPeer(s, b, a, false);
  return { a, b, pa, pb };
}

const opened = (peer: Peer, ms: number) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    peer.on('connect', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

describe.skipIf(coturnMissing !== undefined)(
  `relay only through coturn${coturnMissing ? ` (skipped: ${coturnMissing})` : ''}`,
  () => {
    it('connects two peers over relay candidates alone with the credentials from /api/ice', async () => {
      turn = await startCoturn();
      const { a, b, pa, pb } = await pair({ TURN_URLS: turn.url, TURN_SECRET: turn.secret });
      expect(await Promise.all([opened(pa, 10_000), opened(pb, 10_000)])).toEqual([true, true]);
      const got = new Promise<string>((resolve) =>
        pb.on('data', (chunk) => resolve(new TextDecoder().decode(chunk))),
      );
      pa.send('through the relay');
      expect(await got).toBe('through the relay');

      // Only relay candidates were offered, so the pair in use is relay/relay, and each side
      // showed the other the TURN server's address alone.
      for (const side of [a, b]) {
        expect(side.candidates.length).toBeGreaterThan(0);
        for (const c of side.candidates) expect(c).toMatch(/ 127\.0\.0\.1 \d+ typ relay/);
      }
      // coturn saw allocations under the REST usernames the server issued (expiry:userId).
      for (const side of [a, b]) {
        expect(turn.log()).toMatch(
          new RegExp(
            `user <\\d+:${side.account.user.id}>: incoming packet ALLOCATE processed, success`,
          ),
        );
      }
    });

    it('gets no connection, and no candidate, with credentials coturn refuses', async () => {
      turn = await startCoturn();
      const { a, b, pa, pb } = await pair({ TURN_URLS: turn.url, TURN_SECRET: 'not-the-secret' });
      expect(await Promise.all([opened(pa, 3000), opened(pb, 3000)])).toEqual([false, false]);
      expect([...a.candidates, ...b.candidates]).toEqual([]);
    });
  },
);
