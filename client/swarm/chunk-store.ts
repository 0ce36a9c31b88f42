import { chunkBounds, chunkCount, type FileLayout } from '../../shared/swarm/chunk-layout';
import { HaveMap } from '../../shared/swarm/have-map';

/** Where chunks go that do not fit in memory: Cache Storage or the origin's private files. */
export interface ChunkSpill {
  put(index: number, bytes: Uint8Array<ArrayBuffer>): Promise<void>;
  get(index: number): Promise<Uint8Array<ArrayBuffer> | null>;
  /** Deletes everything: the guest's copy goes when the room ends for them. */
  clear(): Promise<void>;
}

/**
 * A guest's verified chunks of one file. Every chunk is written to the spill (the guest's copy,
 * on disk); the most recently used also stay in memory up to `memoryBytes`, so a 4 GB film does
 * not exhaust a tab. A chunk stays in memory until its spill write settles, whatever the budget:
 * `unwritten` counts those bytes, so the guest stops asking for more while the disk lags. A chunk
 * the spill refuses (quota) stays only while it is in memory; when it leaves memory it is let go
 * and `held` says so, so peers are not sent to it.
 */
export class ChunkStore {
  readonly held: HaveMap;
  /** In memory, least recently used first (a Map keeps insertion order). */
  readonly #memory = new Map<number, Uint8Array<ArrayBuffer>>();
  #memoryUsed = 0;
  #unwritten = 0;
  /** Where each held chunk's spill write stands; only a settled one may leave memory. */
  readonly #spill = new Map<number, 'writing' | 'written' | 'refused'>();
  #cleared = false;

  constructor(
    readonly layout: FileLayout,
    readonly memoryBytes: number,
    readonly spill: ChunkSpill,
    readonly onDropped: (index: number) => void = () => {},
  ) {
    this.held = new HaveMap(chunkCount(layout));
  }

  /** Keeps a verified chunk; its length must be the layout's. */
  async put(index: number, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
    const { start, end } = chunkBounds(this.layout, index);
    if (this.#cleared || this.held.has(index) || bytes.byteLength !== end - start) return;
    this.held.add(index);
    this.#memory.set(index, bytes);
    this.#memoryUsed += bytes.byteLength;
    this.#spill.set(index, 'writing');
    this.#unwritten += bytes.byteLength;
    const written = await this.spill.put(index, bytes).then(
      () => true,
      () => false,
    );
    if (this.#cleared) return;
    this.#unwritten -= bytes.byteLength;
    this.#spill.set(index, written ? 'written' : 'refused');
    this.#trimMemory();
  }

  /** Bytes in memory now: the budget plus what waits for the spill at most. */
  get memoryUsed(): number {
    return this.#memoryUsed;
  }

  /** Bytes in memory whose spill write has not settled yet. */
  get unwritten(): number {
    return this.#unwritten;
  }

  /** The chunk's bytes, or null when it is not held (or went missing from the spill). */
  async get(index: number): Promise<Uint8Array<ArrayBuffer> | null> {
    if (!this.held.has(index)) return null;
    const inMemory = this.#memory.get(index);
    if (inMemory) {
      this.#memory.delete(index);
      this.#memory.set(index, inMemory);
      return inMemory;
    }
    const spilled = await this.spill.get(index).catch(() => null);
    if (!spilled) this.#drop(index);
    return spilled;
  }

  /** Bytes `start`..`end` (inclusive) of the file, or null when a chunk of them is not held. */
  async read(start: number, end: number): Promise<Uint8Array<ArrayBuffer> | null> {
    const { chunkSize } = this.layout;
    const first = Math.floor(start / chunkSize);
    const last = Math.floor(end / chunkSize);
    // The player's pending reads are tried again on every chunk that arrives: one still missing
    // costs nothing, rather than a buffer of the whole range and reads from the spill.
    for (let index = first; index <= last; index++) if (!this.held.has(index)) return null;
    const out = new Uint8Array(end - start + 1);
    for (let index = first; index <= last; index++) {
      const chunk = await this.get(index);
      if (!chunk) return null;
      const chunkStart = index * chunkSize;
      const from = Math.max(start, chunkStart) - chunkStart;
      const to = Math.min(end, chunkStart + chunk.byteLength - 1) - chunkStart;
      out.set(chunk.subarray(from, to + 1), chunkStart + from - start);
    }
    return out;
  }

  /** Forgets every chunk, in memory and spilled; the store takes no more. */
  async clear(): Promise<void> {
    this.#cleared = true;
    for (let i = 0; i < this.held.chunks; i++) this.held.delete(i);
    this.#memory.clear();
    this.#memoryUsed = 0;
    this.#unwritten = 0;
    this.#spill.clear();
    await this.spill.clear();
  }

  /** Oldest first, what is over the budget leaves memory once its spill write has settled. */
  #trimMemory(): void {
    for (const [index, bytes] of this.#memory) {
      if (this.#memoryUsed <= this.memoryBytes) return;
      const state = this.#spill.get(index);
      if (state === 'writing') continue;
      this.#memory.delete(index);
      this.#memoryUsed -= bytes.byteLength;
      if (state === 'refused') this.#drop(index);
    }
  }

  #drop(index: number): void {
    this.#spill.delete(index);
    if (this.held.delete(index)) this.onDropped(index);
  }
}
