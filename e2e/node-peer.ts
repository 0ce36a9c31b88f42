import Peer from '@thaunknown/simple-peer';
import { decodePeerMessage, PROTOCOL_VERSION } from '../shared/peer-messages';
import {
  type JoinSuccess,
  joinSuccessSchema,
  type PeerInfo,
  relayedSignalSchema,
  type SignalData,
  signalDataSchema,
} from '../shared/socket';
import {
  type Account,
  type ClientSocket,
  connectSocket,
  registerUser,
} from '../signalling/testing/harness';
import type { RoomAccess } from './room';

const CONNECT_TIMEOUT_MS = 20_000;
const CANDIDATE_RETRIES = 10;
const CANDIDATE_RETRY_MS = 20;

/**
 * node-datachannel creates its ICE transport a moment after the answer is applied and throws
 * ("remote candidate without ICE transport") for a candidate that arrives in that moment: such
 * a candidate is tried again shortly instead of failing the test.
 */
function applySignal(peer: Peer, data: SignalData, tries = 0): void {
  try {
    peer.signal(data);
  } catch (err) {
    if (data.type === 'candidate' && tries < CANDIDATE_RETRIES)
      setTimeout(() => applySignal(peer, data, tries + 1), CANDIDATE_RETRY_MS);
    else peer.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}

/**
 * A room member driven from Node (simple-peer on node-datachannel) that joins like a browser
 * does, through the real server with a real account, so a test can send whatever it likes.
 */
export interface NodePeer {
  account: Account;
  self: JoinSuccess['self'];
  /** The members listed in the join ack, each with an open data channel. */
  members: readonly PeerInfo[];
  /** Sends raw data to one member, unvalidated. */
  send(peerId: string, data: string | Uint8Array): void;
  /** Resolves once everything sent to that member has left our send buffer. */
  drained(peerId: string): Promise<void>;
  close(): void;
}

/** Signs up, joins the room and offers to every member, as DESIGN.md's mesh section says. */
export async function joinAsNodePeer(base: URL, access: RoomAccess): Promise<NodePeer> {
  const account = await registerUser(base);
  const socket: ClientSocket = await connectSocket(base, account.cookie);
  const peers = new Map<string, Peer>();
  const close = (): void => {
    for (const peer of peers.values()) peer.destroy();
    socket.close();
  };
  try {
    const ack = joinSuccessSchema.parse(
      await socket.timeout(CONNECT_TIMEOUT_MS).emitWithAck('room:join', access),
    );
    socket.on('signal', (raw) => {
      const parsed = relayedSignalSchema.safeParse(raw);
      const peer = parsed.success ? peers.get(parsed.data.from) : undefined;
      if (parsed.success && peer) applySignal(peer, parsed.data.data);
    });
    const hello = JSON.stringify({
      type: 'hello',
      v: PROTOCOL_VERSION,
      name: ack.self.name,
      role: 'guest',
    });
    await Promise.all(
      ack.peers.map(
        (member) =>
          new Promise<void>((resolve, reject) => {
            const peer = new Peer({ initiator: true, trickle: true, config: { iceServers: [] } });
            peers.set(member.peerId, peer);
            const timer = setTimeout(
              () => reject(new Error(`no connection to ${member.name}`)),
              CONNECT_TIMEOUT_MS,
            );
            peer.on('signal', (raw) => {
              const data = signalDataSchema.safeParse(raw);
              if (data.success) socket.emit('signal', { to: member.peerId, data: data.data });
            });
            peer.on('error', (err) => reject(err));
            // Answer pings, so the member's silence timer keeps the link up between attacks.
            peer.on('data', (chunk) => {
              const decoded = decodePeerMessage(chunk);
              if (!decoded.ok) return;
              const m = decoded.message;
              if (m.type === 'ping') {
                peer.send(JSON.stringify({ type: 'pong', id: m.id, t0: m.t0, t1: Date.now() }));
              } else if (m.type === 'hello') {
                clearTimeout(timer);
                resolve();
              }
            });
            peer.on('connect', () => peer.send(hello));
          }),
      ),
    );
    const peerOf = (peerId: string): Peer => {
      const peer = peers.get(peerId);
      if (!peer) throw new Error(`not connected to ${peerId}`);
      return peer;
    };
    return {
      account,
      self: ack.self,
      members: ack.peers,
      send: (peerId, data) => peerOf(peerId).send(data),
      drained: async (peerId) => {
        const peer = peerOf(peerId);
        while (peer.bufferSize > 0) await new Promise((r) => setTimeout(r, 20));
      },
      close,
    };
  } catch (err) {
    close();
    throw err;
  }
}
