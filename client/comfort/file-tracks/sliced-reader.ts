/**
 * A picked file read in slices, never whole: a window of WINDOW_BYTES for walking many small
 * headers in a row (one slice read, not one each), and exact reads for samples scattered
 * across a large file.
 */

/** Where the bytes come from: a picked File in the page, a Buffer in tests. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A Blob (a picked File) read in slices, never whole. */
export function blobSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    read: async (offset, length) =>
      new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}

/** How much is read at once: large reads are fast (PLATFORM.md: ~130 MB/s in 4 MiB steps). */
export const WINDOW_BYTES = 4 * 1024 * 1024;

/** A read that cannot be trusted: the file is not what it claims, or is cut short. */
export class ReadError extends Error {}

/**
 * The source seen through one window of WINDOW_BYTES, or read exactly where asked.
 */
export class SlicedReader {
  #windowStart = 0;
  #window: Uint8Array = new Uint8Array(0);
  /** Slices read so far (tests check that the walk is bounded by the file's size). */
  reads = 0;

  constructor(
    readonly source: ByteSource,
    private readonly signal?: AbortSignal,
  ) {}

  get size(): number {
    return this.source.size;
  }

  /** Up to `length` bytes from `offset` (fewer at the end of the file). */
  async bytes(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(offset + length, this.size);
    if (offset < 0 || offset >= end) return new Uint8Array(0);
    const windowEnd = this.#windowStart + this.#window.length;
    if (offset < this.#windowStart || end > windowEnd) {
      if (this.signal?.aborted) throw new ReadError('aborted');
      const want = Math.max(end - offset, Math.min(WINDOW_BYTES, this.size - offset));
      this.reads += 1;
      this.#window = await this.source.read(offset, want);
      this.#windowStart = offset;
      if (this.#window.length < end - offset) throw new ReadError('short read');
    }
    return this.#window.subarray(offset - this.#windowStart, end - this.#windowStart);
  }

  /** Exactly `length` bytes at `offset`, read on their own (no window): for scattered samples. */
  async exact(offset: number, length: number): Promise<Uint8Array> {
    if (this.signal?.aborted) throw new ReadError('aborted');
    const end = Math.min(offset + length, this.size);
    if (offset < 0 || offset >= end) return new Uint8Array(0);
    this.reads += 1;
    return this.source.read(offset, end - offset);
  }
}
