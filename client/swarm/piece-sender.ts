import { cutFrame, type OutgoingChunk, type Piece } from '../../shared/swarm/pieces';

/**
 * Sends chunk frames to one member as pieces, with the channel's flow control: a frame is taken
 * once its first piece is queued, and the next is refused until the rest of its pieces are
 * queued too, so the swarm's own pacing (ChunkServer waits for `drain`) carries on unchanged.
 */
export class PieceSender {
  #pieces: readonly Piece[] = [];
  #next = 0;

  constructor(
    /** Queues one piece on `lc-file`; false when the channel is full or closed. */
    private readonly send: (piece: Piece) => boolean,
  ) {}

  /** Whether pieces of the last frame still wait for room. */
  get busy(): boolean {
    return this.#next < this.#pieces.length;
  }

  /**
   * Takes a chunk (a frame, cut here, or its pieces); false (nothing sent) while the last one's
   * pieces wait or nothing fits.
   */
  sendFrame(chunk: OutgoingChunk): boolean {
    if (this.busy) return false;
    const pieces = chunk instanceof ArrayBuffer ? cutFrame(chunk) : chunk;
    if (!pieces.length || !this.send(pieces[0] as Piece)) return false;
    this.#pieces = pieces;
    this.#next = 1;
    this.#flush();
    return true;
  }

  /** The channel has room again: queues what waits. True once nothing waits. */
  drain(): boolean {
    this.#flush();
    return !this.busy;
  }

  /** The channel closed: what waits will never arrive whole, and the next channel starts clean. */
  reset(): void {
    this.#pieces = [];
    this.#next = 0;
  }

  #flush(): void {
    while (this.busy && this.send(this.#pieces[this.#next] as Piece)) this.#next += 1;
    if (!this.busy) this.reset();
  }
}
