import { isAnnouncedChunk } from '../../shared/swarm/chunk-hash';
import { chunkAt, chunkBounds, chunkCount } from '../../shared/swarm/chunk-layout';
import { DEFAULT_PICK_PARAMS, type Holder, pickRequests } from '../../shared/swarm/chunk-picker';
import { HaveMap } from '../../shared/swarm/have-map';
import {
  decodeChunkFrame,
  encodeChunkFrame,
  type FileSource,
  fileTag,
} from '../../shared/swarm/messages';
import { TokenBucket } from '../util/token-bucket';
import { ChunkServer } from './chunk-server';
import { type ChunkSpill, ChunkStore } from './chunk-store';
import type { RangeSource } from './file-worker-client';
import type { SwarmLink, SwarmMessage } from './swarm-link';

export interface SwarmGuestOptions {
  self: string;
  spill: ChunkSpill;
  /** Chunks kept in memory before the spill; the rest of a 4 GB film lives there. */
  memoryBytes: number;
  /** Bytes waiting for their spill write beyond which prefetch pauses (a lagging disk). */
  spillBacklogBytes: number;
  now: () => number;
  /** Prefetch pace, as a multiple of the file's average bitrate. */
  paceFactor: number;
  /** An unanswered request is asked of someone else after this long. */
  requestTimeoutMs: number;
  /** The same for a chunk the player waits for: the picture should not stall that long. */
  urgentTimeoutMs: number;
}

export const DEFAULT_GUEST_OPTIONS: Omit<SwarmGuestOptions, 'self' | 'spill' | 'now'> = {
  // Beside what Chromium itself holds to play a 720p film (the renderers stay near 250 MB
  // without our chunks), 96 MiB took a guest's renderers to 364 MB with a 1 GB file, 32 MiB to
  // 298 MB (bench/share); every chunk is on disk anyway, and 16 MiB still holds the player's
  // windows four times over.
  memoryBytes: 16 * 1024 * 1024,
  spillBacklogBytes: 4 * 1024 * 1024,
  // Twice the film's rate keeps the copy well ahead of the picture; at three times the host spent
  // 20–28 % of a core per guest and chat during the transfer came 110–290 ms later at p99, at
  // twice 7–15 % and 66–84 ms (bench/share, one guest).
  paceFactor: 2,
  requestTimeoutMs: 8000,
  urgentTimeoutMs: 2000,
};

/**
 * Prefetch requests that may go out at once before the pace holds them: a few, so the link
 * carries the file as a steady stream rather than a burst of megabytes at the start.
 */
const PREFETCH_BURST_CHUNKS = 4;
/** A bitrate to pace by when the host could not tell the duration. */
const UNKNOWN_BITRATE = 8_000_000;
/** Have-maps go out at most this often: a chunk a second per guest would flood the mesh. */
const HAVE_EVERY_MS = 500;
/** Frames that came before their hash, held until it does (they were asked for). */
const EARLY_FRAMES_MAX = 32;
/**
 * The file's last bytes are asked for with its first: an MP4 written without "faststart" keeps
 * its index there, and the player reads it right after the head, before any frame; Matroska
 * and WebM keep their seek index (Cues) at the end too.
 */
const TAIL_BYTES = 256 * 1024;
/** The chunks from the playhead on that count as urgent (the picker's urgent window). */
const URGENT_CHUNKS = 4;
/**
 * Requests in a row a guest may leave unanswered before it is dropped for this file: one that
 * claims every chunk and serves none (or garbage) would otherwise be asked again and again.
 */
const MISSES_MAX = 3;

interface Member {
  link: SwarmLink;
  /** It has told us it joined the file (its first `file-have`), and we answered with ours. */
  introduced: boolean;
  have: HaveMap | 'all';
  /** Chunks asked of it: when, and whether as urgent (served before its prefetch). */
  asked: Map<number, { at: number; urgent: boolean }>;
  /** Bytes per ms, smoothed; null before its first chunk. */
  throughput: number | null;
  /** Its requests that timed out (or whose frame never verified) since its last good chunk. */
  misses: number;
}

interface Read {
  start: number;
  end: number;
  resolve(bytes: Uint8Array<ArrayBuffer>): void;
  reject(error: Error): void;
}

export interface SwarmGuestEvents {
  /** How much of the file this guest holds changed. */
  progress(held: number, chunks: number): void;
  /** A member sent a chunk that was not the host's: it serves us nothing more of this file. */
  dropped(peerId: string): void;
}

/**
 * A guest's side of a shared file: asks members for chunks (the player's first, then ahead,
 * then the rest, paced), checks each against the host's hash before anything reads it, keeps
 * them in a ChunkStore, serves them to the other guests, and plays them to the file worker.
 */
export class SwarmGuest implements RangeSource {
  readonly store: ChunkStore;
  readonly chunks: number;
  /** Verified bytes received, per sender: the figures of who served whom. */
  readonly receivedFrom = new Map<string, number>();
  readonly #opts: SwarmGuestOptions;
  readonly #hashes: (string | undefined)[];
  readonly #members = new Map<string, Member>();
  readonly #banned = new Set<string>();
  /** Frames waiting for their hash, with when they came: not asked again meanwhile. */
  readonly #early = new Map<
    number,
    { peerId: string; bytes: Uint8Array<ArrayBuffer>; at: number }
  >();
  /**
   * Requests given up on (timed out, or moved from the host to a guest), by chunk: whom we asked,
   * and when. Once the chunk is asked of someone else that member is told to drop it
   * (`file-cancel`); an answer it had sent already still counts (its bytes crossed anyway, and
   * are checked), and a holder does not send a chunk twice within seconds (ChunkServer).
   */
  readonly #gaveUp = new Map<number, { peerId: string; at: number; cancelled: boolean }>();
  /** Chunks whose hash is being checked: answered already, so not asked again meanwhile. */
  readonly #checking = new Set<number>();
  readonly #reads = new Set<Read>();
  readonly #pace: TokenBucket;
  readonly #server: ChunkServer;
  readonly #tag: number;
  readonly #tail: number[] = [];
  #playhead = 0;
  #haveTimer: ReturnType<typeof setTimeout> | undefined;
  #timeoutTimer: ReturnType<typeof setInterval>;
  #closed = false;

  constructor(
    readonly source: FileSource,
    options: SwarmGuestOptions,
    private readonly events: SwarmGuestEvents,
  ) {
    this.#opts = options;
    this.chunks = chunkCount(source);
    this.#hashes = new Array<string | undefined>(this.chunks).fill(undefined);
    this.#tag = fileTag(source.id);
    for (let c = chunkAt(source, source.size - TAIL_BYTES); c < this.chunks; c++)
      this.#tail.push(c);
    this.store = new ChunkStore(source, options.memoryBytes, options.spill, () =>
      this.#announceSoon(),
    );
    const bitrate = source.duration ? (source.size * 8) / source.duration : UNKNOWN_BITRATE;
    const chunksPerSecond = (bitrate / 8 / source.chunkSize) * options.paceFactor;
    this.#pace = new TokenBucket(PREFETCH_BURST_CHUNKS, chunksPerSecond, options.now());
    this.#server = new ChunkServer(async (chunk) => {
      const bytes = await this.store.get(chunk);
      return bytes && encodeChunkFrame(source.id, chunk, bytes);
    });
    this.#timeoutTimer = setInterval(() => this.#expire(), 1000);
  }

  get size(): number {
    return this.source.size;
  }

  get type(): string {
    return this.source.type;
  }

  /** A link to a member that may hold chunks (the host holds all). */
  addMember(link: SwarmLink): void {
    if (this.#closed || this.#banned.has(link.peerId)) return;
    this.#server.relinked(link.peerId);
    this.#members.set(link.peerId, {
      link,
      introduced: false,
      have: link.isHost ? 'all' : new HaveMap(this.chunks),
      asked: new Map(),
      throughput: null,
      misses: 0,
    });
    // We joined the file (or this link came back): everyone answers the first `file-have` with
    // theirs, the host with every hash it knows, since what they sent before we listened is lost.
    link.send({ type: 'file-have', id: this.source.id, map: this.store.held.toBase64() });
    this.#pump();
  }

  removeMember(peerId: string): void {
    const member = this.#members.get(peerId);
    this.#members.delete(peerId);
    this.#server.forget(peerId);
    if (member?.asked.size) this.#pump();
  }

  /** A swarm message from a member, already validated against its schema. */
  message(peerId: string, message: SwarmMessage): void {
    const member = this.#members.get(peerId);
    if (this.#closed || !member || message.id !== this.source.id) return;
    switch (message.type) {
      case 'file-hashes':
        // Only the host's word on a chunk counts, and its first word.
        if (!member.link.isHost) return;
        message.hashes.forEach((hash, k) => {
          const index = message.first + k;
          if (index < this.chunks && this.#hashes[index] === undefined) this.#hashes[index] = hash;
        });
        for (const [index, early] of [...this.#early]) {
          if (this.#hashes[index] !== undefined) {
            this.#early.delete(index);
            void this.#accept(early.peerId, index, early.bytes);
          }
        }
        return;
      case 'file-have': {
        if (member.link.isHost) return;
        const map = HaveMap.fromBase64(message.map, this.chunks);
        if (!map) return;
        member.have = map;
        if (!member.introduced) {
          member.introduced = true;
          if (this.store.held.count) {
            member.link.send({
              type: 'file-have',
              id: this.source.id,
              map: this.store.held.toBase64(),
            });
          }
        }
        this.#pump();
        return;
      }
      case 'file-want':
        this.#server.want(
          peerId,
          this.#serverPeer(member.link),
          message.chunk,
          message.urgent === true,
        );
        return;
      case 'file-cancel':
        this.#server.cancel(peerId, message.chunk);
        return;
      case 'file-none':
        if (member.asked.delete(message.chunk)) {
          if (member.have !== 'all') member.have.delete(message.chunk);
          this.#pump();
        }
        return;
      case 'file-unplayable':
        return;
    }
  }

  /** A chunk frame from a member, rebuilt from the pieces on its `lc-file` channel. */
  frame(peerId: string, data: ArrayBuffer): void {
    const member = this.#members.get(peerId);
    const frame = decodeChunkFrame(data);
    if (this.#closed || !member || !frame || frame.tag !== this.#tag) return;
    const late = this.#gaveUp.get(frame.index);
    const askedAt =
      member.asked.get(frame.index)?.at ?? (late?.peerId === peerId ? late.at : undefined);
    // Neither asked of this member nor given up on it: nothing to check it against.
    if (askedAt === undefined) return;
    member.asked.delete(frame.index);
    if (late?.peerId === peerId) this.#gaveUp.delete(frame.index);
    const ms = Math.max(1, this.#opts.now() - askedAt);
    const rate = frame.bytes.byteLength / ms;
    member.throughput = member.throughput === null ? rate : member.throughput * 0.7 + rate * 0.3;
    if (this.#hashes[frame.index] === undefined) {
      if (this.#early.size < EARLY_FRAMES_MAX)
        this.#early.set(frame.index, { peerId, bytes: frame.bytes, at: this.#opts.now() });
      return;
    }
    void this.#accept(peerId, frame.index, frame.bytes);
  }

  /** The member's channel has room again. */
  drain(peerId: string): void {
    this.#server.drain(peerId);
  }

  get chunkSize(): number {
    return this.source.chunkSize;
  }

  heldEnd(start: number): number {
    let index = chunkAt(this.source, start);
    while (index < this.chunks && this.store.held.has(index)) index++;
    return Math.min(this.source.size, Math.max(start, index * this.source.chunkSize));
  }

  read(start: number, end: number): Promise<Uint8Array<ArrayBuffer>> {
    if (this.#closed) return Promise.reject(new Error('the file is gone'));
    this.#playhead = chunkAt(this.source, start);
    return new Promise((resolve, reject) => {
      const read: Read = { start, end, resolve, reject };
      this.#reads.add(read);
      void this.#settle(read);
      this.#pump();
    });
  }

  /** Leaves the file: the copy is deleted, reads fail, nothing more is asked or served. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timeoutTimer);
    clearTimeout(this.#haveTimer);
    for (const read of this.#reads) read.reject(new Error('the file is gone'));
    this.#reads.clear();
    this.#members.clear();
    this.#gaveUp.clear();
    await this.store.clear();
  }

  async #accept(peerId: string, index: number, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
    const { start, end } = chunkBounds(this.source, index);
    this.#checking.add(index);
    const good = await isAnnouncedChunk(bytes, end - start, this.#hashes[index] ?? '').finally(() =>
      this.#checking.delete(index),
    );
    if (this.#closed) return;
    if (!good) {
      this.#ban(peerId);
      return;
    }
    const sender = this.#members.get(peerId);
    if (sender) sender.misses = 0;
    if (this.store.held.has(index)) return;
    this.#gaveUp.delete(index);
    // Whoever else was asked for it need not send it any more.
    for (const [otherId, other] of this.#members) {
      if (otherId !== peerId && other.asked.delete(index)) this.#sendCancel(other, index);
    }
    // Held and readable at once: the player does not wait for the disk write, which goes on.
    const written = this.store.put(index, bytes);
    this.receivedFrom.set(peerId, (this.receivedFrom.get(peerId) ?? 0) + bytes.byteLength);
    this.events.progress(this.store.held.count, this.chunks);
    this.#announceSoon();
    for (const read of this.#reads) void this.#settle(read);
    this.#pump();
    await written;
    // A prefetch paused for the disk goes on.
    this.#pump();
  }

  #cancel(gaveUp: { peerId: string; cancelled: boolean }, chunk: number): void {
    gaveUp.cancelled = true;
    const member = this.#members.get(gaveUp.peerId);
    if (member) this.#sendCancel(member, chunk);
  }

  #sendCancel(member: Member, chunk: number): void {
    member.link.send({ type: 'file-cancel', id: this.source.id, chunk });
  }

  #ban(peerId: string): void {
    // Several of its chunks may fail their checks at once: it is dropped once. The host is the
    // file's source and the judge of every hash: a guest never drops it.
    if (this.#banned.has(peerId) || this.#members.get(peerId)?.link.isHost) return;
    this.#banned.add(peerId);
    this.removeMember(peerId);
    this.events.dropped(peerId);
    this.#pump();
  }

  async #settle(read: Read): Promise<void> {
    const bytes = await this.store.read(read.start, read.end);
    if (bytes && this.#reads.delete(read)) read.resolve(bytes);
  }

  #pump(): void {
    if (this.#closed) return;
    const playhead = this.#playheadChunk();
    this.#hurry(playhead);
    this.#rerouteFromHost(playhead);
    const requested = new Set<number>();
    const holders: Holder[] = [];
    for (const c of this.#early.keys()) requested.add(c);
    for (const c of this.#checking) requested.add(c);
    for (const [peerId, m] of this.#members) {
      for (const c of m.asked.keys()) requested.add(c);
      holders.push({
        peerId,
        have: m.have,
        isHost: m.link.isHost,
        inFlight: m.asked.size,
        throughput: m.throughput,
      });
    }
    const now = this.#opts.now();
    const picks = pickRequests({
      self: this.#opts.self,
      chunks: this.chunks,
      have: this.store.held,
      requested,
      playhead,
      eager: this.#tail,
      holders,
      // Prefetch waits while the spill lags: what it fetched would sit in memory meanwhile.
      budget: this.store.unwritten > this.#opts.spillBacklogBytes ? 0 : this.#pace.available(now),
    });
    for (const { chunk, peerId, urgent } of picks) {
      const member = this.#members.get(peerId);
      if (!member) continue;
      if (!urgent) this.#pace.take(now);
      // Asked of the same member again, the request it still queues stands (a second is ignored).
      const gaveUp = this.#gaveUp.get(chunk);
      if (gaveUp && gaveUp.peerId !== peerId && !gaveUp.cancelled) this.#cancel(gaveUp, chunk);
      member.asked.set(chunk, { at: now, urgent });
      member.link.send({ type: 'file-want', id: this.source.id, chunk, urgent });
    }
  }

  /**
   * Prefetch the player now waits for (the playhead reached it) is asked again of the same member
   * as urgent, which moves it before that member's other prefetch for us (ChunkServer); it would
   * otherwise wait there behind chunks needed later, then time out as urgent.
   */
  #hurry(playhead: number): void {
    const now = this.#opts.now();
    for (const member of this.#members.values()) {
      for (let chunk = playhead; chunk < playhead + URGENT_CHUNKS; chunk++) {
        const asked = member.asked.get(chunk);
        if (!asked || asked.urgent) continue;
        member.asked.set(chunk, { at: now, urgent: true });
        member.link.send({ type: 'file-want', id: this.source.id, chunk, urgent: true });
      }
    }
  }

  /**
   * Prefetch still waiting at the host that a guest with a free slot now holds moves to that
   * guest, and the host is told to drop it: the host serves first what nobody holds
   * (ChunkServer), so each chunk it sends once reaches the others from guests. Not what the
   * player waits for. A move is not a new request: the pace does not count it again.
   */
  #rerouteFromHost(playhead: number): void {
    let host: Member | undefined;
    const free: { member: Member; slots: number }[] = [];
    for (const m of this.#members.values()) {
      const slots = DEFAULT_PICK_PARAMS.maxInFlightPerHolder - m.asked.size;
      if (m.link.isHost) host = m;
      else if (slots > 0) free.push({ member: m, slots });
    }
    if (!host?.asked.size || !free.length) return;
    const now = this.#opts.now();
    for (const [chunk, { at }] of host.asked) {
      if ((chunk >= playhead && chunk < playhead + URGENT_CHUNKS) || this.#tail.includes(chunk))
        continue;
      const to = free.find(
        ({ member, slots }) => slots > 0 && member.have !== 'all' && member.have.has(chunk),
      );
      if (!to) continue;
      to.slots -= 1;
      const gaveUp = { peerId: host.link.peerId, at, cancelled: false };
      this.#gaveUp.set(chunk, gaveUp);
      this.#cancel(gaveUp, chunk);
      host.asked.delete(chunk);
      to.member.asked.set(chunk, { at: now, urgent: false });
      to.member.link.send({ type: 'file-want', id: this.source.id, chunk, urgent: false });
    }
  }

  /**
   * Once a second: asks again, of someone else, what a member left unanswered too long, and
   * goes on prefetching as the pace allows (nothing else would wake it once every request was
   * answered while the pace had nothing left).
   */
  #expire(): void {
    const now = this.#opts.now();
    const playhead = this.#playheadChunk();
    // A frame whose hash never came (the host read no chunk near it) is let go and asked again;
    // its sender missed, as if it had not answered.
    for (const [index, early] of this.#early) {
      if (now - early.at < this.#opts.requestTimeoutMs) continue;
      this.#early.delete(index);
      const sender = this.#members.get(early.peerId);
      if (sender) sender.misses += 1;
    }
    for (const [peerId, member] of this.#members) {
      for (const [chunk, { at }] of member.asked) {
        const urgent = chunk >= playhead && chunk < playhead + URGENT_CHUNKS;
        const timeout = urgent ? this.#opts.urgentTimeoutMs : this.#opts.requestTimeoutMs;
        if (now - at < timeout) continue;
        member.asked.delete(chunk);
        this.#gaveUp.set(chunk, { peerId, at, cancelled: false });
        member.misses += 1;
        member.throughput = (member.throughput ?? 1) / 2;
      }
      if (member.misses >= MISSES_MAX) this.#ban(peerId);
    }
    if (!this.store.held.complete) this.#pump();
  }

  /** The player's oldest unanswered read is where it stands; without one, where it last read. */
  #playheadChunk(): number {
    let playhead = this.#playhead;
    for (const read of this.#reads) playhead = Math.min(playhead, chunkAt(this.source, read.start));
    return playhead;
  }

  #announceSoon(): void {
    if (this.#haveTimer !== undefined || this.#closed) return;
    this.#haveTimer = setTimeout(() => {
      this.#haveTimer = undefined;
      if (this.#closed) return;
      const map = this.store.held.toBase64();
      for (const m of this.#members.values()) {
        if (!m.link.isHost) m.link.send({ type: 'file-have', id: this.source.id, map });
      }
    }, HAVE_EVERY_MS);
  }

  #serverPeer(link: SwarmLink) {
    return {
      sendChunk: (frame: ArrayBuffer) => link.sendChunk(frame),
      none: (chunk: number) => link.send({ type: 'file-none', id: this.source.id, chunk }),
    };
  }
}
