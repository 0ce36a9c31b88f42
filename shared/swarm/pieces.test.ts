import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkBounds, chunkCount, type FileLayout } from './chunk-layout';
import { CHUNK_BYTES, decodeChunkFrame, encodeChunkFrame, fileTag } from './messages';
import {
  ASSEMBLING_MAX,
  ASSEMBLY_TIMEOUT_MS,
  cutChunk,
  cutFrame,
  FrameAssembler,
  PIECE_BYTES,
  PIECE_HEADER_BYTES,
  PIECE_MESSAGE_MAX_BYTES,
  piecedBytes,
} from './pieces';

const id = '0123456789abcdef0123456789abcdef';
const tag = fileTag(id);

function bytesOf(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

/** Byte for byte (expect's deep equality is slow on a quarter megabyte). */
function same(
  a: ArrayBuffer | Uint8Array | null | undefined,
  b: ArrayBuffer | Uint8Array,
): boolean {
  return !!a && Buffer.from(a as Uint8Array).equals(Buffer.from(b as Uint8Array));
}

/** A chunk of `layout` with its frame and pieces. */
function chunk(layout: FileLayout, index: number, seed = 1) {
  const { start, end } = chunkBounds(layout, index);
  const bytes = bytesOf(end - start, seed);
  const frame = encodeChunkFrame(id, index, bytes);
  // As received: each piece a buffer of its own.
  return { bytes, frame, pieces: cutFrame(frame).map((p) => p.slice().buffer) };
}

function assembler(layout: FileLayout, clock = { t: 0 }) {
  return new FrameAssembler(layout, tag, () => clock.t);
}

describe('chunk pieces', () => {
  it('cuts a full chunk into 16 KiB messages and rebuilds the same frame', () => {
    const layout = { size: 3 * CHUNK_BYTES + 5, chunkSize: CHUNK_BYTES };
    const { frame, pieces } = chunk(layout, 1);
    expect(pieces).toHaveLength(Math.ceil(CHUNK_BYTES / PIECE_BYTES));
    for (const piece of pieces)
      expect(piece.byteLength).toBeLessThanOrEqual(PIECE_MESSAGE_MAX_BYTES);
    const into = assembler(layout);
    const frames = pieces.map((p) => into.add(p));
    expect(frames.slice(0, -1).every((f) => f === null)).toBe(true);
    expect(same(frames.at(-1), frame)).toBe(true);
    expect(into.assembling).toBe(0);
  });

  it('cuts chunk after chunk into one reused buffer, as cutFrame cuts each one', () => {
    const layout = { size: 2 * CHUNK_BYTES + 20_000, chunkSize: CHUNK_BYTES };
    const into = new ArrayBuffer(piecedBytes(CHUNK_BYTES));
    const rebuilt = assembler(layout);
    for (const index of [1, 2]) {
      const c = chunk(layout, index, index);
      // Sent (copied) before the next chunk is cut over them.
      const pieces = cutChunk({ tag, index, bytes: c.bytes }, into).map((p) => p.slice().buffer);
      expect(pieces).toHaveLength(c.pieces.length);
      expect(pieces.every((p, i) => same(p, c.pieces[i] ?? new ArrayBuffer(0)))).toBe(true);
      const frames = pieces.map((p) => rebuilt.add(p));
      expect(same(frames.at(-1), c.frame)).toBe(true);
    }
  });

  it('rebuilds any chunk exactly, whatever order its pieces come in, beside other chunks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 * PIECE_BYTES + 100 }),
        fc.integer({ min: 1, max: 12 * PIECE_BYTES }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 0, max: 255 }),
        (chunkSize, size, pick, seed) => {
          const layout = { size, chunkSize };
          const count = chunkCount(layout);
          const indices = [pick % count, (pick + 1) % count].filter(
            (v, i, a) => a.indexOf(v) === i,
          );
          const chunks = indices.map((index) => ({ index, ...chunk(layout, index, seed + index) }));
          // Interleaves the chunks' pieces in an order drawn from `pick`.
          const all = chunks.flatMap((c) => c.pieces.map((p) => ({ index: c.index, p })));
          let state = pick;
          for (let i = all.length - 1; i > 0; i--) {
            state = (Math.imul(state, 1103515245) + 12345) >>> 1;
            const j = state % (i + 1);
            [all[i], all[j]] = [all[j] as (typeof all)[number], all[i] as (typeof all)[number]];
          }
          const into = assembler(layout);
          const done = new Map<number, ArrayBuffer>();
          for (const { index, p } of all) {
            const frame = into.add(p);
            if (frame) {
              expect(done.has(index)).toBe(false);
              done.set(index, frame);
            }
          }
          for (const c of chunks) {
            const decoded = decodeChunkFrame(done.get(c.index) as ArrayBuffer);
            expect(decoded?.tag).toBe(tag);
            expect(decoded?.index).toBe(c.index);
            expect(same(decoded?.bytes, c.bytes)).toBe(true);
          }
          expect(into.assembling).toBe(0);
        },
      ),
    );
  });

  it('never crashes on garbage, and never completes a chunk from it', () => {
    const layout = { size: 40_000, chunkSize: 20_000 };
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: PIECE_MESSAGE_MAX_BYTES + 4 }), {
          maxLength: 30,
        }),
        (messages) => {
          const into = assembler(layout);
          for (const m of messages) {
            const frame = into.add(m.slice().buffer);
            // Random bytes may form a valid piece of a one-piece chunk only if they carry our tag.
            if (frame) expect(new DataView(frame).getUint32(0)).toBe(tag);
          }
          expect(into.assembling).toBeLessThanOrEqual(ASSEMBLING_MAX);
        },
      ),
    );
  });

  it('drops pieces of another file, past the end, out of range, of a wrong length or twice', () => {
    const layout = { size: 2 * CHUNK_BYTES, chunkSize: CHUNK_BYTES };
    const { pieces, frame } = chunk(layout, 0);
    const into = assembler(layout);
    const forged = (t: number, index: number, k: number, length: number) => {
      const piece = new Uint8Array(PIECE_HEADER_BYTES + length);
      const view = new DataView(piece.buffer);
      view.setUint32(0, t);
      view.setUint32(4, index);
      view.setUint16(8, k);
      return piece.buffer;
    };
    const other = fileTag('ffffffff00000000ffffffff00000000');
    expect(into.add(forged(other, 0, 0, PIECE_BYTES))).toBeNull();
    expect(into.add(forged(tag, 2, 0, PIECE_BYTES))).toBeNull();
    expect(into.add(forged(tag, 0, pieces.length, PIECE_BYTES))).toBeNull();
    expect(into.add(forged(tag, 0, 0, PIECE_BYTES - 1))).toBeNull();
    expect(into.add(forged(tag, 0, 0, PIECE_BYTES + 1))).toBeNull();
    expect(into.add(new ArrayBuffer(PIECE_HEADER_BYTES))).toBeNull();
    expect(into.assembling).toBe(0);
    // The first copy of a piece counts; a second (other bytes in the same place) is dropped.
    expect(into.add(pieces[0] as ArrayBuffer)).toBeNull();
    expect(into.add(forged(tag, 0, 0, PIECE_BYTES))).toBeNull();
    let last: ArrayBuffer | null = null;
    for (const p of pieces.slice(1)) last = into.add(p);
    expect(same(last, frame)).toBe(true);
  });

  it('holds at most a few chunks per peer, and lets a stale one go', () => {
    const layout = { size: 10 * CHUNK_BYTES, chunkSize: CHUNK_BYTES };
    const clock = { t: 0 };
    const into = assembler(layout, clock);
    for (let i = 0; i < ASSEMBLING_MAX; i++) into.add(chunk(layout, i).pieces[0] as ArrayBuffer);
    expect(into.assembling).toBe(ASSEMBLING_MAX);
    const late = chunk(layout, ASSEMBLING_MAX);
    expect(into.add(late.pieces[0] as ArrayBuffer)).toBeNull();
    expect(into.assembling).toBe(ASSEMBLING_MAX);
    clock.t = ASSEMBLY_TIMEOUT_MS;
    let last: ArrayBuffer | null = null;
    for (const p of late.pieces) last = into.add(p);
    expect(same(last, late.frame)).toBe(true);
    expect(into.assembling).toBe(0);
    into.add(chunk(layout, 0).pieces[0] as ArrayBuffer);
    into.clear();
    expect(into.assembling).toBe(0);
  });
});
