import { chunkBounds, chunkCount, type FileLayout } from './chunk-layout';
import { decodeChunkFrame, FRAME_HEADER_BYTES, PIECE_MESSAGE_MAX_BYTES } from './messages';

export { PIECE_MESSAGE_MAX_BYTES };

/** A piece's header: the file's tag (u32), the chunk's index (u32), the piece's index (u16). */
export const PIECE_HEADER_BYTES = 10;
/** The chunk bytes one piece carries; every piece but a chunk's last carries exactly this many. */
export const PIECE_BYTES = PIECE_MESSAGE_MAX_BYTES - PIECE_HEADER_BYTES;
/** Chunks one peer may have half-sent us at once; an honest one sends a chunk at a time. */
export const ASSEMBLING_MAX = 4;
/** A half-sent chunk with no piece for this long is dropped (its request is asked again). */
export const ASSEMBLY_TIMEOUT_MS = 10_000;

/** One message of `lc-file` as it is sent: a view of a buffer that may hold other pieces too. */
export type Piece = Uint8Array<ArrayBuffer>;

/** A chunk's bytes and what its pieces' headers carry: a frame not built (messages.ts). */
export interface ChunkBytes {
  tag: number;
  index: number;
  bytes: Uint8Array;
}

/** A chunk as a sender hands it on: its frame, or its bytes (the host's, never framed). */
export type OutgoingChunk = ArrayBuffer | ChunkBytes;

/** The bytes of an outgoing chunk's frame, built or not. */
export function outgoingBytes(chunk: OutgoingChunk): number {
  return chunk instanceof ArrayBuffer
    ? chunk.byteLength
    : FRAME_HEADER_BYTES + chunk.bytes.byteLength;
}

/** The room a chunk of `length` bytes takes as pieces, headers included. */
export function piecedBytes(length: number): number {
  return length + Math.ceil(length / PIECE_BYTES) * PIECE_HEADER_BYTES;
}

/**
 * Cuts a chunk into the pieces that carry it, laid out in `into` (at least `piecedBytes` long)
 * and returned as views of it: one copy of the bytes, no allocation but the views.
 */
export function cutChunk({ tag, index, bytes }: ChunkBytes, into: ArrayBuffer): Piece[] {
  const view = new DataView(into);
  const out = new Uint8Array(into);
  const pieces: Piece[] = [];
  let at = 0;
  for (let offset = 0, k = 0; offset < bytes.byteLength; offset += PIECE_BYTES, k++) {
    const body = bytes.subarray(offset, offset + PIECE_BYTES);
    view.setUint32(at, tag);
    view.setUint32(at + 4, index);
    view.setUint16(at + 8, k);
    out.set(body, at + PIECE_HEADER_BYTES);
    pieces.push(out.subarray(at, at + PIECE_HEADER_BYTES + body.byteLength));
    at += PIECE_HEADER_BYTES + body.byteLength;
  }
  return pieces;
}

/** Cuts a chunk's frame (messages.ts: tag, index, bytes) into pieces in a buffer of their own. */
export function cutFrame(frame: ArrayBuffer): Piece[] {
  const chunk = decodeChunkFrame(frame);
  if (!chunk) return [];
  return cutChunk(chunk, new ArrayBuffer(piecedBytes(chunk.bytes.byteLength)));
}

interface Assembly {
  frame: Uint8Array<ArrayBuffer>;
  got: Uint8Array;
  left: number;
  touched: number;
}

/**
 * Rebuilds one peer's chunk frames from their pieces, for one file. Whatever a peer sends that
 * cannot be a piece of one of the file's chunks (another file, a chunk past the end, a piece out of
 * range, of the wrong length or already received, more chunks at once than ASSEMBLING_MAX) is
 * dropped; the frame it completes is checked against the host's hash as before.
 */
export class FrameAssembler {
  readonly #chunks: number;
  readonly #assemblies = new Map<number, Assembly>();

  constructor(
    private readonly layout: FileLayout,
    private readonly tag: number,
    private readonly now: () => number,
  ) {
    this.#chunks = chunkCount(layout);
  }

  /** Chunks half-received. */
  get assembling(): number {
    return this.#assemblies.size;
  }

  /** Takes a piece; returns the chunk's frame once its last piece came, else null. */
  add(piece: ArrayBuffer): ArrayBuffer | null {
    if (piece.byteLength <= PIECE_HEADER_BYTES || piece.byteLength > PIECE_MESSAGE_MAX_BYTES) {
      return null;
    }
    const view = new DataView(piece);
    const index = view.getUint32(4);
    const k = view.getUint16(8);
    if (view.getUint32(0) !== this.tag || index >= this.#chunks) return null;
    const { start, end } = chunkBounds(this.layout, index);
    const length = end - start;
    const offset = k * PIECE_BYTES;
    if (offset >= length) return null;
    if (piece.byteLength - PIECE_HEADER_BYTES !== Math.min(PIECE_BYTES, length - offset))
      return null;
    const assembly = this.#assembly(index, length);
    if (!assembly || assembly.got[k]) return null;
    assembly.frame.set(new Uint8Array(piece, PIECE_HEADER_BYTES), FRAME_HEADER_BYTES + offset);
    assembly.got[k] = 1;
    assembly.left -= 1;
    assembly.touched = this.now();
    if (assembly.left) return null;
    this.#assemblies.delete(index);
    return assembly.frame.buffer;
  }

  /** Drops every half-received chunk (the peer left, or its channel closed). */
  clear(): void {
    this.#assemblies.clear();
  }

  #assembly(index: number, length: number): Assembly | null {
    const known = this.#assemblies.get(index);
    if (known) return known;
    const now = this.now();
    for (const [i, a] of this.#assemblies) {
      if (now - a.touched >= ASSEMBLY_TIMEOUT_MS) this.#assemblies.delete(i);
    }
    if (this.#assemblies.size >= ASSEMBLING_MAX) return null;
    const frame = new Uint8Array(FRAME_HEADER_BYTES + length);
    const header = new DataView(frame.buffer);
    header.setUint32(0, this.tag);
    header.setUint32(4, index);
    const pieces = Math.ceil(length / PIECE_BYTES);
    const assembly = { frame, got: new Uint8Array(pieces), left: pieces, touched: now };
    this.#assemblies.set(index, assembly);
    return assembly;
  }
}
