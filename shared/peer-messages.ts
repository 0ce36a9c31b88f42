import { z } from 'zod';
import { peerIdSchema, roleSchema } from './socket';

/** Bumped when a peer could misread the other side; checked on `hello`. */
export const PROTOCOL_VERSION = 1;
/** The largest data-channel message, in UTF-8 bytes, a peer accepts. */
export const PEER_MESSAGE_MAX_BYTES = 16 * 1024;
export const CHAT_TEXT_MAX = 2000;
export const HISTORY_MAX = 200;
const NAME_MAX = 64;
const ID_MAX = 64;
/** More guests than a mesh of browsers can hold; a longer buffering list is a forgery. */
export const BUFFERING_PEERS_MAX = 64;

const finite = z.number().finite();
const time = finite.nonnegative();

export const helloSchema = z.object({
  type: z.literal('hello'),
  v: z.number().int().positive(),
  name: z.string().max(NAME_MAX),
  role: roleSchema,
});

export const chatSchema = z.object({
  type: z.literal('chat'),
  id: z.string().min(1).max(ID_MAX),
  text: z.string().min(1).max(CHAT_TEXT_MAX),
  sentAt: time,
});

export const chatLineSchema = z.object({
  id: z.string().min(1).max(ID_MAX),
  /** The author's user ID: stable across reconnects, so own lines are recognised. */
  from: z.string().max(ID_MAX),
  name: z.string().max(NAME_MAX),
  text: z.string().min(1).max(CHAT_TEXT_MAX),
  sentAt: time,
});
export type ChatLine = z.infer<typeof chatLineSchema>;

/** History goes out in pages that each fit PEER_MESSAGE_MAX_BYTES. */
export const historySchema = z.object({
  type: z.literal('history'),
  messages: z.array(chatLineSchema).max(HISTORY_MAX),
});

export const sourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('stream'), name: z.string().max(255), duration: time.nullable() }),
  z.object({ kind: z.literal('url'), url: z.url({ protocol: /^https?$/ }).max(2048) }),
  z.object({
    kind: z.literal('local'),
    name: z.string().max(255),
    size: z.number().int().nonnegative(),
    duration: time.nullable(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
]);
export type Source = z.infer<typeof sourceSchema>;

export const syncSchema = z.object({
  type: z.literal('sync'),
  seq: z.number().int().nonnegative(),
  source: sourceSchema,
  paused: z.boolean(),
  position: time,
  rate: finite.min(0.0625).max(16),
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
  position: time.optional(),
});

/** A guest's player stalled (true) or has data again (false); the host's buffering policy acts on it. */
export const bufferingSchema = z.object({
  type: z.literal('buffering'),
  buffering: z.boolean(),
});

export const pingSchema = z.object({
  type: z.literal('ping'),
  id: z.number().int().nonnegative(),
  t0: time,
});
export const pongSchema = z.object({
  type: z.literal('pong'),
  id: z.number().int().nonnegative(),
  t0: time,
  t1: time,
});

export const peerMessageSchema = z.discriminatedUnion('type', [
  helloSchema,
  chatSchema,
  historySchema,
  syncSchema,
  controlSchema,
  bufferingSchema,
  pingSchema,
  pongSchema,
]);
export type PeerMessage = z.infer<typeof peerMessageSchema>;
export type PeerMessageOf<T extends PeerMessage['type']> = Extract<PeerMessage, { type: T }>;

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

/** Serialises a message we send; refuses one the other side would reject for size. */
export function encodePeerMessage(message: PeerMessage): string {
  const text = JSON.stringify(message);
  if (byteLength(text) > PEER_MESSAGE_MAX_BYTES) {
    throw new RangeError(`${message.type} message exceeds ${PEER_MESSAGE_MAX_BYTES} bytes`);
  }
  return text;
}
