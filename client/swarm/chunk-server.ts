/** Chunks one member has asked for and not received yet: more are answered `file-none`. */
export const QUEUED_WANTS_MAX = 32;

export interface ChunkServerPeer {
  /** Queues a frame on `lc-file`; false when its buffer is full (then wait for `drain`). */
  sendChunk(frame: ArrayBuffer): boolean;
  /** Tells the peer this chunk will not come from us. */
  none(chunk: number): void;
}

/**
 * Serves the chunks members ask of us, each member's in the order asked, with the channel's flow
 * control: a frame the channel would not take waits for its `drain`.
 */
export class ChunkServer {
  readonly #queues = new Map<string, { peer: ChunkServerPeer; wants: number[]; busy: boolean }>();
  /** Bytes sent per member, for the figures (what the host uploads, who served whom). */
  readonly sent = new Map<string, number>();

  constructor(
    /** A chunk's frame, or null when we do not hold it. */
    private readonly frame: (chunk: number) => Promise<ArrayBuffer | null>,
  ) {}

  want(peerId: string, peer: ChunkServerPeer, chunk: number): void {
    let queue = this.#queues.get(peerId);
    if (!queue) {
      queue = { peer, wants: [], busy: false };
      this.#queues.set(peerId, queue);
    }
    if (queue.wants.includes(chunk)) return;
    if (queue.wants.length >= QUEUED_WANTS_MAX) {
      peer.none(chunk);
      return;
    }
    queue.wants.push(chunk);
    void this.#pump(peerId);
  }

  /** The member's channel has room again (or opened). */
  drain(peerId: string): void {
    void this.#pump(peerId);
  }

  /** The member left: what it asked for is forgotten. */
  forget(peerId: string): void {
    this.#queues.delete(peerId);
  }

  async #pump(peerId: string): Promise<void> {
    const queue = this.#queues.get(peerId);
    if (!queue || queue.busy) return;
    queue.busy = true;
    try {
      while (this.#queues.get(peerId) === queue && queue.wants.length) {
        const chunk = queue.wants[0] as number;
        const frame = await this.frame(chunk).catch(() => null);
        if (this.#queues.get(peerId) !== queue) return;
        if (!frame) {
          queue.wants.shift();
          queue.peer.none(chunk);
          continue;
        }
        if (!queue.peer.sendChunk(frame)) return;
        queue.wants.shift();
        this.sent.set(peerId, (this.sent.get(peerId) ?? 0) + frame.byteLength);
      }
    } finally {
      queue.busy = false;
    }
  }
}
