import { z } from 'zod/mini';
import { peerIdSchema, roleSchema, signalDataSchema } from './socket';
import { subtitleMessageSchemas } from './subtitles/messages';
import { fileSourceSchema, swarmMessageSchemas } from './swarm/messages';

/** Bumped when a peer could misread the other side; checked on `hello`. */
export const PROTOCOL_VERSION = 6;
/** The largest data-channel message, in UTF-8 bytes, a peer accepts. */
export const PEER_MESSAGE_MAX_BYTES = 16 * 1024;
export const CHAT_TEXT_MAX = 2000;
export const HISTORY_MAX = 200;
const NAME_MAX = 64;
const ID_MAX = 64;
/** The playback rates a sync may carry: what a <video> accepts (Chromium throws outside them). */
export const RATE_MIN = 0.0625;
export const RATE_MAX = 16;
/** More guests than a mesh of browsers can hold; a longer buffering list is a forgery. */
export const BUFFERING_PEERS_MAX = 64;

// zod 4 numbers are finite already: Infinity and NaN are refused.
const time = z.number().check(z.gte(0));
const count = z.int().check(z.gte(0));
const id = z.string().check(z.minLength(1), z.maxLength(ID_MAX));
const chatText = z.string().check(z.minLength(1), z.maxLength(CHAT_TEXT_MAX));
const name = z.string().check(z.maxLength(NAME_MAX));

export const helloSchema = z.object({
  type: z.literal('hello'),
  v: z.int().check(z.gt(0)),
  name,
  role: roleSchema,
});

export const chatSchema = z.object({
  type: z.literal('chat'),
  id,
  text: chatText,
  sentAt: time,
});

export const chatLineSchema = z.object({
  id,
  /** The author's user ID: stable across reconnects, so own lines are recognised. */
  from: z.string().check(z.maxLength(ID_MAX)),
  name,
  text: chatText,
  sentAt: time,
});
export type ChatLine = z.infer<typeof chatLineSchema>;

/** History goes out in pages that each fit PEER_MESSAGE_MAX_BYTES. */
export const historySchema = z.object({
  type: z.literal('history'),
  messages: z.array(chatLineSchema).check(z.maxLength(HISTORY_MAX)),
});

export const sourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({
    kind: z.literal('stream'),
    name: z.string().check(z.maxLength(255)),
    duration: z.nullable(time),
  }),
  z.object({
    kind: z.literal('url'),
    url: z.url({ protocol: /^https?$/ }).check(z.maxLength(2048)),
  }),
  z.object({
    kind: z.literal('local'),
    name: z.string().check(z.maxLength(255)),
    size: count,
    duration: z.nullable(time),
    sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  }),
  fileSourceSchema,
]);
export type Source = z.infer<typeof sourceSchema>;

export const syncSchema = z.object({
  type: z.literal('sync'),
  seq: count,
  source: sourceSchema,
  paused: z.boolean(),
  position: time,
  rate: z.number().check(z.gte(RATE_MIN), z.lte(RATE_MAX)),
  /** Host clock, ms since the epoch (performance.timeOrigin + performance.now()). */
  at: time,
  /** Whether the host applies guests' control requests. */
  guestControl: z.boolean(),
  /** Guests (peer IDs) the host knows to be buffering, so everyone's people list can say so. */
  buffering: z.optional(z.array(peerIdSchema).check(z.maxLength(BUFFERING_PEERS_MAX))),
});

export const controlSchema = z.object({
  type: z.literal('control'),
  action: z.enum(['play', 'pause', 'seek']),
  position: z.optional(time),
});

/** A guest's player stalled (true) or has data again (false); the host's buffering policy acts on it. */
export const bufferingSchema = z.object({
  type: z.literal('buffering'),
  buffering: z.boolean(),
});

/** Sent at most once a second while its author types; never carries the text. */
export const typingSchema = z.object({ type: z.literal('typing') });

/** The emoji a reaction may carry; anything else is refused on receipt. */
export const REACTION_EMOJI = ['👍', '😂', '😮', '😢', '❤️', '🎉'] as const;
export type ReactionEmoji = (typeof REACTION_EMOJI)[number];
export const reactionSchema = z.object({
  type: z.literal('reaction'),
  emoji: z.enum(REACTION_EMOJI),
});

export const pingSchema = z.object({
  type: z.literal('ping'),
  id: count,
  t0: time,
});
export const pongSchema = z.object({
  type: z.literal('pong'),
  id: count,
  t0: time,
  t1: time,
});

/**
 * The connection's own WebRTC signal (a renegotiation's offer, answer, candidates), sent on the
 * connection itself once it is up, so tracks come and go while the signalling server is away.
 */
export const linkSignalSchema = z.object({
  type: z.literal('signal'),
  data: signalDataSchema,
});

/** A MediaStream id as the sender's browser made it (a UUID in Chromium). */
const streamId = z.string().check(z.minLength(1), z.maxLength(ID_MAX));

/**
 * Which of the sender's streams carry its voice and its camera (null: off). Sent on the link
 * before a track is added, so the receiver never takes a voice for the host's movie; a track in
 * no announced stream is the movie (from the host) or nothing.
 */
export const personalMediaSchema = z.object({
  type: z.literal('media'),
  voice: z.nullable(streamId),
  camera: z.nullable(streamId),
});

export const peerMessageSchema = z.discriminatedUnion('type', [
  helloSchema,
  chatSchema,
  historySchema,
  syncSchema,
  controlSchema,
  bufferingSchema,
  typingSchema,
  reactionSchema,
  pingSchema,
  pongSchema,
  linkSignalSchema,
  personalMediaSchema,
  ...swarmMessageSchemas,
  ...subtitleMessageSchemas,
]);
export type PeerMessage = z.infer<typeof peerMessageSchema>;
export type PeerMessageOf<T extends PeerMessage['type']> = Extract<PeerMessage, { type: T }>;

/** `rate` within RATE_MIN and RATE_MAX. */
export function clampRate(rate: number): number {
  return Math.min(RATE_MAX, Math.max(RATE_MIN, rate));
}

export type DecodeResult =
  | { ok: true; message: PeerMessage }
  | { ok: false; reason: 'too_large' | 'not_json' | 'invalid' };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

function byteLength(raw: string | Uint8Array): number {
  if (typeof raw !== 'string') return raw.byteLength;
  // UTF-16 length never exceeds the UTF-8 length, so a long string needs no encoding to be refused.
  return raw.length > PEER_MESSAGE_MAX_BYTES ? raw.length : encoder.encode(raw).length;
}

/** Parses one data-channel message from an untrusted peer; never throws. */
export function decodePeerMessage(raw: string | Uint8Array): DecodeResult {
  if (byteLength(raw) > PEER_MESSAGE_MAX_BYTES) return { ok: false, reason: 'too_large' };
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : decoder.decode(raw));
  } catch {
    return { ok: false, reason: 'not_json' };
  }
  const parsed = peerMessageSchema.safeParse(value);
  return parsed.success ? { ok: true, message: parsed.data } : { ok: false, reason: 'invalid' };
}

/** Whether the other side would take `message` for its size. */
export function fitsPeerMessage(message: PeerMessage): boolean {
  return byteLength(JSON.stringify(message)) <= PEER_MESSAGE_MAX_BYTES;
}

/** Serialises a message we send; refuses one the other side would reject for size. */
export function encodePeerMessage(message: PeerMessage): string {
  const text = JSON.stringify(message);
  if (byteLength(text) > PEER_MESSAGE_MAX_BYTES) {
    throw new RangeError(`${message.type} message exceeds ${PEER_MESSAGE_MAX_BYTES} bytes`);
  }
  return text;
}
