import Peer from '@thaunknown/simple-peer';
import { FILE_CHANNEL_ID, FILE_CHANNEL_LABEL } from '../client/mesh/file-channel';
import { decodePeerMessage, type PeerMessage, PROTOCOL_VERSION } from '../shared/peer-messages';
import {
  type JoinSuccess,
  joinSuccessSchema,
  type PeerInfo,
  relayedSignalSchema,
  type SignalData,
  signalDataSchema,
} from '../shared/socket';
import { cutFrame } from '../shared/swarm/pieces';
import {
  type Account,
  type ClientSocket,
  connectSocket,
  registerUser,
} from '../signalling/testing/harness';
import type { RoomAccess } from './room';

const CONNECT_TIMEOUT_MS = 20_000;

/**
 * A room member driven from Node (simple-peer on node-datachannel) that joins like a browser
 * does, through the real server with a real account, so a test can send whatever it likes.
 */
export interface NodePeer {
  account: Account;
  self: JoinSuccess['self'];
  /** The members listed in the join ack, each with an open data channel. */
  members: readonly PeerInfo[];
  /** Every valid message the members sent us, oldest first, with the sender's peerId. */
  received: { from: string; message: PeerMessage }[];
  /** The WebRTC signals we sent that member through the server (our offer, our candidates). */
  signalsTo(peerId: string): readonly SignalData[];
  /** Sends raw data to one member, unvalidated. */
  send(peerId: string, data: string | Uint8Array): void;
  /** Resolves once everything sent to that member has left our send buffer. */
  drained(peerId: string): Promise<void>;
  /** Sends bytes on the `lc-file` channel to one member, unvalidated. */
  sendFile(peerId: string, data: Uint8Array<ArrayBuffer>): void;
  /** Sends a chunk's frame (whatever its bytes) on `lc-file` as a page does: cut into pieces. */
  sendFrame(peerId: string, frame: ArrayBuffer): void;
  close(): void;
}

export interface NodePeerOptions {
  /** The `hello.v` it speaks: PROTOCOL_VERSION unless a test plays an older or newer page. */
  protocolVersion?: number;
  /** Called with each valid message as it arrives (after it joins `received`), to answer it. */
  onMessage?: (from: string, message: PeerMessage) => void;
}

/** Joins the room as a new member at most this often (see joinAsNodePeer). */
const JOIN_ATTEMPTS = 3;

/**
 * Signs up, joins the room and offers to every member, as DESIGN.md's mesh section says.
 * node-datachannel now and then refuses a browser's candidate while connecting ("remote
 * candidate without ICE transport"; simple-peer makes that fatal), where a browser would not;
 * it is a race in this test tool's WebRTC stack, not the app, so the tool then joins again as a
 * new member, up to JOIN_ATTEMPTS times. Any other failure fails at once.
 */
export async function joinAsNodePeer(
  base: URL,
  access: RoomAccess,
  options: NodePeerOptions = {},
): Promise<NodePeer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await joinOnce(base, access, options);
    } catch (err) {
      const race = err instanceof Error && err.message.includes('without ICE transport');
      if (!race || attempt >= JOIN_ATTEMPTS) throw err;
    }
  }
}

async function joinOnce(
  base: URL,
  access: RoomAccess,
  options: NodePeerOptions,
): Promise<NodePeer> {
  const version = options.protocolVersion ?? PROTOCOL_VERSION;
  const account = await registerUser(base);
  const socket: ClientSocket = await connectSocket(base, account.cookie);
  const peers = new Map<string, Peer>();
  const files = new Map<string, RTCDataChannel>();
  const received: NodePeer['received'] = [];
  const signalled = new Map<string, SignalData[]>();
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
      if (parsed.success) peers.get(parsed.data.from)?.signal(parsed.data.data);
    });
    const hello = JSON.stringify({
      type: 'hello',
      v: version,
      name: ack.self.name,
      role: 'guest',
    });
    await Promise.all(
      ack.peers.map(
        (member) =>
          new Promise<void>((resolve, reject) => {
            const peer = new Peer({ initiator: true, trickle: true, config: { iceServers: [] } });
            peers.set(member.peerId, peer);
            // As every page does: lc-file is made on both sides, never announced.
            const file = peer._pc.createDataChannel(FILE_CHANNEL_LABEL, {
              negotiated: true,
              id: FILE_CHANNEL_ID,
            });
            file.binaryType = 'arraybuffer';
            files.set(member.peerId, file);
            const timer = setTimeout(
              () => reject(new Error(`no connection to ${member.name}`)),
              CONNECT_TIMEOUT_MS,
            );
            peer.on('signal', (raw) => {
              const data = signalDataSchema.safeParse(raw);
              if (!data.success) return;
              signalled.set(member.peerId, [...(signalled.get(member.peerId) ?? []), data.data]);
              socket.emit('signal', { to: member.peerId, data: data.data });
            });
            peer.on('error', (err) => reject(err));
            // Answer pings, so the member's silence timer keeps the link up between attacks.
            peer.on('data', (chunk) => {
              const decoded = decodePeerMessage(chunk);
              if (!decoded.ok) return;
              const m = decoded.message;
              received.push({ from: member.peerId, message: m });
              options.onMessage?.(member.peerId, m);
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
    const sendFile = (peerId: string, data: Uint8Array<ArrayBuffer>): void => {
      const file = files.get(peerId);
      if (!file) throw new Error(`not connected to ${peerId}`);
      file.send(data);
    };
    return {
      account,
      self: ack.self,
      members: ack.peers,
      received,
      signalsTo: (peerId) => signalled.get(peerId) ?? [],
      send: (peerId, data) => peerOf(peerId).send(data),
      sendFile,
      sendFrame: (peerId, frame) => {
        for (const piece of cutFrame(frame)) sendFile(peerId, new Uint8Array(piece));
      },
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
