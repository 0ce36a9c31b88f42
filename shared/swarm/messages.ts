import { z } from 'zod/mini';
import { CHUNK_BYTES_MAX, CHUNKS_MAX } from './chunk-layout';

/**
 * The chunk size the host cuts a file into: the unit of hashing, have-maps and requests (it
 * travels as 16 KiB pieces, pieces.ts). SHA-256 stays at its fast rate (it drops above 512 KiB on
 * the measured machine).
 */
export const CHUNK_BYTES = 255 * 1024;
/** Chunk hashes per `file-hashes` message: 200 × 64 hex characters stay under 16 KiB. */
export const HASHES_PER_MESSAGE = 200;
/** A file ID: 128 random bits in hex; its first 8 digits tag each chunk frame. */
export const FILE_ID_PATTERN = /^[0-9a-f]{32}$/;

const fileId = z.string().check(z.regex(FILE_ID_PATTERN));
const chunkIndex = z.int().check(z.gte(0), z.lt(CHUNKS_MAX));
const sha256 = z.string().check(z.regex(/^[0-9a-f]{64}$/));

/** The room's source when the host shares a file itself (part of `sync`). */
export const fileSourceSchema = z.object({
  kind: z.literal('file'),
  id: fileId,
  name: z.string().check(z.maxLength(255)),
  size: z.int().check(z.gt(0), z.lte(CHUNKS_MAX * CHUNK_BYTES_MAX)),
  type: z.string().check(z.maxLength(128)),
  duration: z.nullable(z.number().check(z.gte(0))),
  chunkSize: z.int().check(z.gt(0), z.lte(CHUNK_BYTES_MAX)),
});
export type FileSource = z.infer<typeof fileSourceSchema>;

/** The host's SHA-256 of chunks `first`, `first + 1`, … as it reads them. */
export const fileHashesSchema = z.object({
  type: z.literal('file-hashes'),
  id: fileId,
  first: chunkIndex,
  hashes: z.array(sha256).check(z.minLength(1), z.maxLength(HASHES_PER_MESSAGE)),
});

/** Which chunks the sender holds (a HaveMap in base64; 65,536 chunks make 10,924 characters). */
export const fileHaveSchema = z.object({
  type: z.literal('file-have'),
  id: fileId,
  map: z.string().check(z.maxLength(11_000)),
});

/**
 * Please send chunk `chunk` on `lc-file`. `urgent`: the asker's player waits for it (near its
 * playhead, or the file's tail it reads next): it goes out before that asker's queued prefetch.
 */
export const fileWantSchema = z.object({
  type: z.literal('file-want'),
  id: fileId,
  chunk: chunkIndex,
  urgent: z.optional(z.boolean()),
});

/** The sender cannot serve `chunk` (it let it go, or is leaving the file): ask someone else. */
export const fileNoneSchema = z.object({
  type: z.literal('file-none'),
  id: fileId,
  chunk: chunkIndex,
});

/**
 * The sender no longer wants `chunk` from us: it gave up waiting and asked someone else. A holder
 * drops it from that member's queue if it has not started sending it; an answer nobody waits for
 * would otherwise still cross the link (at 5 guests, 17 MB of a 30 MB file's copies came twice).
 */
export const fileCancelSchema = z.object({
  type: z.literal('file-cancel'),
  id: fileId,
  chunk: chunkIndex,
});

/** A guest's browser cannot play the file: the host is told who, and why. */
export const fileUnplayableSchema = z.object({
  type: z.literal('file-unplayable'),
  id: fileId,
  reason: z.enum(['no_picture', 'no_sound', 'error']),
});

export const swarmMessageSchemas = [
  fileHashesSchema,
  fileHaveSchema,
  fileWantSchema,
  fileCancelSchema,
  fileNoneSchema,
  fileUnplayableSchema,
] as const;

/**
 * A chunk's frame, as the swarm hands it on: the file's tag (its ID's first 32 bits), the chunk's
 * index, its bytes. On `lc-file` it travels cut into pieces (pieces.ts).
 */
export const FRAME_HEADER_BYTES = 8;

export function fileTag(id: string): number {
  return Number.parseInt(id.slice(0, 8), 16) >>> 0;
}

export function encodeChunkFrame(id: string, index: number, bytes: Uint8Array): ArrayBuffer {
  const frame = new Uint8Array(FRAME_HEADER_BYTES + bytes.byteLength);
  const view = new DataView(frame.buffer);
  view.setUint32(0, fileTag(id));
  view.setUint32(4, index);
  frame.set(bytes, FRAME_HEADER_BYTES);
  return frame.buffer;
}

/** Reads a frame from a peer; null when it is too short to be one. */
export function decodeChunkFrame(
  frame: ArrayBuffer,
): { tag: number; index: number; bytes: Uint8Array<ArrayBuffer> } | null {
  if (frame.byteLength < FRAME_HEADER_BYTES) return null;
  const view = new DataView(frame);
  return {
    tag: view.getUint32(0),
    index: view.getUint32(4),
    bytes: new Uint8Array(frame, FRAME_HEADER_BYTES),
  };
}

/**
 * A chunk travels on `lc-file` as pieces of at most 16 KiB (RFC 8831 §6.6): SCTP sends one
 * message's fragments without interleaving others, so a whole 255 KiB chunk made chat and sync on
 * the JSON channel of the same connection wait seconds behind it (bench/share). Here, not in
 * pieces.ts, because the room's file channel needs only this number.
 */
export const PIECE_MESSAGE_MAX_BYTES = 16 * 1024;
