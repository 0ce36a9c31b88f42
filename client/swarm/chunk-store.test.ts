import { describe, expect, it } from 'vitest';
import { type ChunkSpill, ChunkStore } from './chunk-store';

/** A spill kept in a Map, refusing puts once `capacity` chunks are in it (a full quota). */
class MapSpill implements ChunkSpill {
  readonly chunks = new Map<number, Uint8Array<ArrayBuffer>>();
  constructor(readonly capacity = Number.POSITIVE_INFINITY) {}
  async put(index: number, bytes: Uint8Array<ArrayBuffer>) {
    if (this.chunks.size >= this.capacity) throw new DOMException('full', 'QuotaExceededError');
    this.chunks.set(index, bytes.slice());
  }
  async get(index: number) {
    return this.chunks.get(index) ?? null;
  }
  async clear() {
    this.chunks.clear();
  }
}

/** A spill whose writes settle only when `release()` is called (a disk that lags). */
class LaggingSpill extends MapSpill {
  readonly #waiting: Array<() => void> = [];
  gets = 0;
  override async put(index: number, bytes: Uint8Array<ArrayBuffer>) {
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
    await super.put(index, bytes);
  }
  override async get(index: number) {
    this.gets += 1;
    return super.get(index);
  }
  release(): void {
    for (const settle of this.#waiting.splice(0)) settle();
  }
}

const layout = { size: 10_000, chunkSize: 1024 };
const file = new Uint8Array(layout.size).map((_, i) => (i * 7 + 3) & 0xff);
const chunk = (i: number) => file.slice(i * 1024, Math.min(layout.size, (i + 1) * 1024));

describe('ChunkStore', () => {
  it('reads any byte range back from chunks, across chunk edges and the short last chunk', async () => {
    const store = new ChunkStore(layout, 1_000_000, new MapSpill());
    for (let i = 0; i < 10; i++) await store.put(i, chunk(i));
    expect(store.held.complete).toBe(true);
    for (const [s, e] of [
      [0, 0],
      [1000, 3000],
      [1023, 1024],
      [9000, 9999],
      [0, 9999],
    ] as const) {
      expect(await store.read(s, e)).toEqual(file.slice(s, e + 1));
    }
  });

  it('says a range is missing rather than returning holes', async () => {
    const store = new ChunkStore(layout, 1_000_000, new MapSpill());
    await store.put(0, chunk(0));
    await store.put(2, chunk(2));
    expect(await store.read(0, 100)).not.toBeNull();
    expect(await store.read(1000, 2100)).toBeNull();
  });

  it('writes every chunk to the spill, keeps at most its memory budget in memory, and reads the rest back', async () => {
    const spill = new MapSpill();
    const store = new ChunkStore(layout, 3 * 1024, spill);
    for (let i = 0; i < 10; i++) await store.put(i, chunk(i));
    expect(spill.chunks.size).toBe(10);
    // Only what is in memory stays readable once the spill loses everything.
    spill.chunks.clear();
    expect(await store.read(9000, 9999)).toEqual(file.slice(9000, 10_000));
    expect(await store.read(0, 100)).toBeNull();
    expect(store.held.has(0)).toBe(false);
  });

  it('lets a chunk go when the spill is full and says so, so peers are not sent to it', async () => {
    const dropped: number[] = [];
    const store = new ChunkStore(layout, 2 * 1024, new MapSpill(1), (i) => dropped.push(i));
    for (let i = 0; i < 5; i++) await store.put(i, chunk(i));
    expect(dropped).toEqual([1, 2]);
    expect(store.held.has(1)).toBe(false);
    expect(store.held.count).toBe(3);
  });

  it('refuses a chunk of the wrong length, and takes nothing after clear', async () => {
    const spill = new MapSpill();
    const store = new ChunkStore(layout, 1024, spill);
    await store.put(0, chunk(1).slice(0, 10));
    expect(store.held.count).toBe(0);
    await store.put(0, chunk(0));
    await store.put(1, chunk(1));
    await store.clear();
    await store.put(2, chunk(2));
    expect(spill.chunks.size).toBe(0);
    expect(store.held.count).toBe(0);
    expect(await store.read(0, 10)).toBeNull();
  });

  it('counts what waits for the spill beyond its budget, and lets it go once written', async () => {
    const spill = new LaggingSpill();
    const store = new ChunkStore(layout, 2 * 1024, spill);
    const puts = [0, 1, 2, 3, 4].map((i) => store.put(i, chunk(i)));
    expect(store.unwritten).toBe(5 * 1024);
    expect(store.memoryUsed).toBe(5 * 1024);
    spill.release();
    await Promise.all(puts);
    expect(store.unwritten).toBe(0);
    expect(store.memoryUsed).toBe(2 * 1024);
    expect(spill.chunks.size).toBe(5);
  });

  it('reads nothing, not even from the spill, for a range it does not wholly hold', async () => {
    const spill = new LaggingSpill();
    const store = new ChunkStore(layout, 1024, spill);
    const puts = [0, 1, 2].map((i) => store.put(i, chunk(i)));
    spill.release();
    await Promise.all(puts);
    // Chunks 0 and 1 left memory for the spill; chunk 3 never came.
    expect(await store.read(0, 4000)).toBeNull();
    expect(spill.gets).toBe(0);
    expect(await store.read(0, 3000)).toEqual(file.slice(0, 3001));
    expect(spill.gets).toBe(2);
  });
});
