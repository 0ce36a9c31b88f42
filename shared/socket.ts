import { z } from 'zod/mini';
import { type ApiError, apiErrorSchema } from './errors';
import { pinSchema, roomIdSchema } from './ids';

/** Signals are relayed opaque, but bounded: an SDP with many tracks stays far below this. */
export const SDP_MAX = 64 * 1024;
export const PEER_ID_MAX = 64;

export const peerIdSchema = z.string().check(z.minLength(1), z.maxLength(PEER_ID_MAX));
export const roleSchema = z.enum(['host', 'guest']);
export type Role = z.infer<typeof roleSchema>;

export const peerInfoSchema = z.object({
  peerId: peerIdSchema,
  userId: z.string(),
  name: z.string(),
  role: roleSchema,
});
export type PeerInfo = z.infer<typeof peerInfoSchema>;

/** The shapes simple-peer emits from its `signal` event; unknown fields are dropped on parse. */
export const signalDataSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
    sdp: z.string().check(z.maxLength(SDP_MAX)),
  }),
  z.object({
    type: z.literal('candidate'),
    candidate: z.object({
      candidate: z.string().check(z.maxLength(2048)),
      sdpMLineIndex: z.optional(z.nullable(z.int().check(z.gte(0), z.lte(1024)))),
      sdpMid: z.optional(z.nullable(z.string().check(z.maxLength(64)))),
      usernameFragment: z.optional(z.nullable(z.string().check(z.maxLength(256)))),
    }),
  }),
  z.object({ type: z.literal('renegotiate'), renegotiate: z.literal(true) }),
  z.object({
    type: z.literal('transceiverRequest'),
    transceiverRequest: z.object({
      kind: z.enum(['audio', 'video']),
      init: z.optional(
        z.object({
          direction: z.optional(z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive'])),
        }),
      ),
    }),
  }),
]);
export type SignalData = z.infer<typeof signalDataSchema>;

/** An HMAC in base64url; bounded so a forged one costs nothing to refuse. */
export const RESUME_TOKEN_MAX = 128;
export const resumeTokenSchema = z.string().check(z.minLength(1), z.maxLength(RESUME_TOKEN_MAX));

/** Asks for the peerId this user held in this room before the socket dropped. */
export const resumeSchema = z.object({ peerId: peerIdSchema, token: resumeTokenSchema });
export type Resume = z.infer<typeof resumeSchema>;

export const joinRequestSchema = z.object({
  roomId: roomIdSchema,
  pin: pinSchema,
  resume: z.optional(resumeSchema),
});
export type JoinRequest = z.infer<typeof joinRequestSchema>;

export const joinSuccessSchema = z.object({
  ok: z.literal(true),
  self: z.object({ peerId: peerIdSchema, userId: z.string(), name: z.string() }),
  hostPeerId: z.nullable(peerIdSchema),
  peers: z.array(peerInfoSchema),
  /** Proves a later join may take `self.peerId` again (see docs/protocol.md, resume). */
  resumeToken: z.optional(resumeTokenSchema),
});
export type JoinSuccess = z.infer<typeof joinSuccessSchema>;

export const failureSchema = z.object({ ok: z.literal(false), error: apiErrorSchema });
export type Failure = { ok: false; error: ApiError };
export type JoinAck = JoinSuccess | Failure;

export const signalRequestSchema = z.object({ to: peerIdSchema, data: signalDataSchema });
export type SignalRequest = z.infer<typeof signalRequestSchema>;
export type SignalAck = { ok: true } | Failure;

/** The host asks to take a member out of the room for good (every connection of that account). */
export const removeRequestSchema = z.object({ peerId: peerIdSchema });
export type RemoveRequest = z.infer<typeof removeRequestSchema>;

/** To each connection of an account the host removed: it is out, and may not join again. */
export const roomRemovedSchema = z.object({ roomId: roomIdSchema });
export type RoomRemoved = z.infer<typeof roomRemovedSchema>;

export const relayedSignalSchema = z.object({ from: peerIdSchema, data: signalDataSchema });
export type RelayedSignal = z.infer<typeof relayedSignalSchema>;

export const peerLeftSchema = z.object({ peerId: peerIdSchema });
export type PeerLeft = z.infer<typeof peerLeftSchema>;

export const roomClosedSchema = z.object({ roomId: roomIdSchema, reason: z.string() });
export type RoomClosed = z.infer<typeof roomClosedSchema>;
/** The reasons the server gives; a client shows any other as a plain close. */
export type RoomClosedReason = 'closed_by_host' | 'host_did_not_return' | 'host_never_came';

/** The host's last connection left: the room closes at `closesAt` unless the host returns. */
export const hostAwaySchema = z.object({
  roomId: roomIdSchema,
  /** Server clock, milliseconds since the epoch. */
  closesAt: z.number().check(z.gte(0)),
});
export type HostAway = z.infer<typeof hostAwaySchema>;

export const pinAttemptsSchema = z.object({
  failed: z.int().check(z.gte(0)),
  windowSeconds: z.int().check(z.gt(0)),
});
export type PinAttempts = z.infer<typeof pinAttemptsSchema>;

/** Sent to a socket whose own request could not be honoured and that had no ack to answer. */
export const socketErrorSchema = z.object({ event: z.string(), error: apiErrorSchema });
export type SocketError = z.infer<typeof socketErrorSchema>;

/**
 * Events a client sends. Arguments are typed for our own client; the server still
 * parses every payload with the schemas above, because anyone can open a socket.
 */
export interface ClientToServerEvents {
  'room:join': (req: JoinRequest, ack: (reply: JoinAck) => void) => void;
  'room:leave': (ack?: (reply: { ok: true } | Failure) => void) => void;
  signal: (req: SignalRequest, ack?: (reply: SignalAck) => void) => void;
  'room:remove': (req: RemoveRequest, ack?: (reply: { ok: true } | Failure) => void) => void;
}

export interface ServerToClientEvents {
  'peer:joined': (peer: PeerInfo) => void;
  'peer:left': (msg: PeerLeft) => void;
  signal: (msg: RelayedSignal) => void;
  'room:closed': (msg: RoomClosed) => void;
  'room:removed': (msg: RoomRemoved) => void;
  'room:host-away': (msg: HostAway) => void;
  'room:pin-attempts': (msg: PinAttempts) => void;
  'server:error': (msg: SocketError) => void;
}
