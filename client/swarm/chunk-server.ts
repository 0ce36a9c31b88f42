import { ASSEMBLY_TIMEOUT_MS, type OutgoingChunk, outgoingBytes } from '../../shared/swarm/pieces';

/** Chunks one member has asked for and not received yet: more are answered `file-none`. */
export const QUEUED_WANTS_MAX = 32;

export interface ChunkServerPeer {
  /** Queues a chunk on `lc-file`; false when its buffer is full (then wait for `drain`). */
  sendChunk(chunk: OutgoingChunk): boolean;
  /** Tells the peer this chunk will not come from us. */
  none(chunk: number): void;
}

/**
 * Serves the chunks members ask of us, each member's in the order asked, with the channel's flow
 * control: a frame the channel would not take waits for its `drain`.
 */
export class ChunkServer {
  readonly #queues = new Map<
    string,
    {
      peer: ChunkServerPeer;
      wants: number[];
      urgent: Set<number>;
      busy: boolean;
      /** Chunks sent to it, with when: asked again soon after, they are on their way already. */
      sentAt: Map<number, number>;
    }
  >();
  /** Chunks sent to anyone: a member asking for one of them may soon have it from its holder. */
  readonly #given = new Set<number>();
  /** Bytes sent per member, for the figures (what the host uploads, who served whom). */
  readonly sent = new Map<string, number>();

  constructor(
    /** A chunk's frame (or its bytes), or null when we do not hold it. */
    private readonly frame: (chunk: number) => Promise<OutgoingChunk | null>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Queues a member's request. An urgent one (its player waits for it) goes before the prefetch
   * it asked for earlier, after its earlier urgent ones: a seek's chunk would otherwise wait
   * behind up to a megabyte of prefetch, queued here while the link sends at a few MB/s.
   */
  want(peerId: string, peer: ChunkServerPeer, chunk: number, urgent = false): void {
    let queue = this.#queues.get(peerId);
    if (!queue) {
      queue = { peer, wants: [], urgent: new Set(), busy: false, sentAt: new Map() };
      this.#queues.set(peerId, queue);
    }
    // A member that gave up waiting asks again, but a data channel loses nothing: what we sent
    // arrives, and sending it twice doubles the bytes on a link too slow already (at 5 guests
    // on 2 cores, 13–17 % of the chunks came twice). Its receiver drops a chunk only after
    // ASSEMBLY_TIMEOUT_MS without a piece of it, so asked again after that, it goes again.
    const sentAt = queue.sentAt.get(chunk);
    if (sentAt !== undefined && this.now() - sentAt < ASSEMBLY_TIMEOUT_MS) return;
    const queued = queue.wants.indexOf(chunk);
    if (queued >= 0 && (!urgent || queue.urgent.has(chunk))) return;
    if (queued >= 0) queue.wants.splice(queued, 1);
    else if (queue.wants.length >= QUEUED_WANTS_MAX) {
      peer.none(chunk);
      return;
    }
    if (urgent) {
      const { urgent: marked } = queue;
      const at = queue.wants.findIndex((c) => !marked.has(c));
      queue.wants.splice(at < 0 ? queue.wants.length : at, 0, chunk);
      marked.add(chunk);
    } else {
      queue.wants.push(chunk);
    }
    void this.#pump(peerId);
  }

  /** The member asked someone else instead: a chunk not yet sent to it is not sent. */
  cancel(peerId: string, chunk: number): void {
    const queue = this.#queues.get(peerId);
    if (queue?.wants.includes(chunk)) take(queue, chunk);
  }

  /** The member's channel has room again (or opened). */
  drain(peerId: string): void {
    void this.#pump(peerId);
  }

  /** The member's link is up again: what went out on the old channel may never have arrived. */
  relinked(peerId: string): void {
    this.#queues.get(peerId)?.sentAt.clear();
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
        const chunk = next(queue, this.#given);
        const frame = await this.frame(chunk).catch(() => null);
        if (this.#queues.get(peerId) !== queue) return;
        // Cancelled while it was read: the member no longer waits for it.
        if (!queue.wants.includes(chunk)) continue;
        // An urgent want may have gone ahead while this frame was read: it is sent anyway.
        if (!frame) {
          take(queue, chunk);
          queue.peer.none(chunk);
          continue;
        }
        if (!queue.peer.sendChunk(frame)) return;
        take(queue, chunk);
        noteSent(queue.sentAt, chunk, this.now());
        this.#given.add(chunk);
        this.sent.set(peerId, (this.sent.get(peerId) ?? 0) + outgoingBytes(frame));
      }
    } finally {
      queue.busy = false;
    }
  }
}

/**
 * What to send a member next: its urgent wants in the order asked, then the chunks we have sent
 * nobody yet, then the rest. Guests that ask the host together then get different chunks and
 * trade them (a guest moves to another guest a request the host has not served, swarm-guest.ts),
 * as BitTorrent's super-seeding does: the host's upload stays nearer one copy.
 */
function next(queue: { wants: number[]; urgent: Set<number> }, given: ReadonlySet<number>): number {
  const first = queue.wants[0] as number;
  if (queue.urgent.has(first)) return first;
  return queue.wants.find((c) => !given.has(c)) ?? first;
}

function take(queue: { wants: number[]; urgent: Set<number> }, chunk: number): void {
  queue.wants.splice(queue.wants.indexOf(chunk), 1);
  queue.urgent.delete(chunk);
}

/** Records a send, and forgets sends old enough that a request for them is served again. */
function noteSent(sentAt: Map<number, number>, chunk: number, now: number): void {
  sentAt.delete(chunk);
  sentAt.set(chunk, now);
  // Oldest first, as inserted.
  for (const [c, at] of sentAt) {
    if (now - at < ASSEMBLY_TIMEOUT_MS) break;
    sentAt.delete(c);
  }
}
