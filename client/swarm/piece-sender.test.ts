import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, encodeChunkFrame } from '../../shared/swarm/messages';
import {
  cutFrame,
  FrameAssembler,
  PIECE_MESSAGE_MAX_BYTES,
  type Piece,
} from '../../shared/swarm/pieces';
import { PieceSender } from './piece-sender';

const id = '0123456789abcdef0123456789abcdef';
const layout = { size: 4 * CHUNK_BYTES, chunkSize: CHUNK_BYTES };

function frameOf(index: number): ArrayBuffer {
  const bytes = new Uint8Array(CHUNK_BYTES);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + index) & 0xff;
  return encodeChunkFrame(id, index, bytes);
}

/** A channel that takes `room` messages until it is drained (as `lc-file` at its high-water mark). */
function channel(room: number) {
  const sent: ArrayBuffer[] = [];
  let left = room;
  return {
    sent,
    // What the other end receives: a buffer of exactly the piece's bytes.
    send: (piece: Piece) => {
      if (left <= 0) return false;
      expect(piece.byteLength).toBeLessThanOrEqual(PIECE_MESSAGE_MAX_BYTES);
      left -= 1;
      sent.push(piece.slice().buffer);
      return true;
    },
    drained: () => {
      left = room;
    },
  };
}

describe('PieceSender', () => {
  it('sends a frame as pieces across drains, and takes the next only once all are queued', () => {
    const wire = channel(4);
    const sender = new PieceSender(wire.send);
    const pieces = cutFrame(frameOf(0)).length;
    expect(sender.sendFrame(frameOf(0))).toBe(true);
    expect(wire.sent).toHaveLength(4);
    expect(sender.sendFrame(frameOf(1))).toBe(false);
    let drains = 0;
    while (sender.busy) {
      wire.drained();
      drains += 1;
      expect(sender.drain()).toBe(!sender.busy);
    }
    expect(drains).toBe(Math.ceil(pieces / 4) - 1);
    expect(wire.sent).toHaveLength(pieces);
    wire.drained();
    expect(sender.sendFrame(frameOf(1))).toBe(true);
    while (sender.busy) {
      wire.drained();
      sender.drain();
    }
    const into = new FrameAssembler(layout, new DataView(frameOf(0)).getUint32(0), () => 0);
    const frames = wire.sent.map((p) => into.add(p)).filter((f) => f !== null);
    expect(frames).toHaveLength(2);
    frames.forEach((f, i) => {
      expect(Buffer.from(f).equals(Buffer.from(frameOf(i)))).toBe(true);
    });
  });

  it('takes nothing when not even the first piece fits, and forgets what waits on reset', () => {
    const wire = channel(0);
    const sender = new PieceSender(wire.send);
    expect(sender.sendFrame(frameOf(0))).toBe(false);
    expect(sender.busy).toBe(false);
    wire.drained();
    const some = channel(2);
    const other = new PieceSender(some.send);
    expect(other.sendFrame(frameOf(0))).toBe(true);
    expect(other.busy).toBe(true);
    other.reset();
    expect(other.busy).toBe(false);
    some.drained();
    expect(other.drain()).toBe(true);
    expect(some.sent).toHaveLength(2);
  });
});
