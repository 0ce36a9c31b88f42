/**
 * Reading EBML (the binary layout of Matroska and WebM) from a file in slices. Only what the
 * text-track reader needs: element headers, unsigned integers, strings and small payloads.
 * Every read is bounded: a window of at most WINDOW_BYTES is held, a payload longer than the
 * caller's cap is never read, and a size that runs past the file or its parent is refused.
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

/** An element's header: its ID (marker bits kept, as the specs write them) and where its data is. */
export interface ElementHeader {
  id: number;
  /** Where the data starts, bytes from the start of the file. */
  start: number;
  /** Data length, or null when the writer did not know it ("unknown size", live recordings). */
  size: number | null;
}

/** A read that cannot be trusted: the file is not what it claims, or is cut short. */
export class EbmlError extends Error {}

/**
 * The source seen through one window of WINDOW_BYTES, so that walking many small headers in
 * a row costs one slice read, not one each.
 */
export class EbmlReader {
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
      if (this.signal?.aborted) throw new EbmlError('aborted');
      const want = Math.max(end - offset, Math.min(WINDOW_BYTES, this.size - offset));
      this.reads += 1;
      this.#window = await this.source.read(offset, want);
      this.#windowStart = offset;
      if (this.#window.length < end - offset) throw new EbmlError('short read');
    }
    return this.#window.subarray(offset - this.#windowStart, end - this.#windowStart);
  }

  /** The element header at `offset`, or null past the end of the file or on a malformed one. */
  async header(offset: number): Promise<ElementHeader | null> {
    const head = await this.bytes(offset, 12);
    const id = readVint(head, 0, 4, true);
    if (!id) return null;
    const size = readVint(head, id.length, 8, false);
    if (!size) return null;
    const start = offset + id.length + size.length;
    return { id: id.value, start, size: size.unknown ? null : size.value };
  }

  /** An element's data, when it is at most `cap` bytes and lies within the file. */
  async data(element: ElementHeader, cap: number): Promise<Uint8Array | null> {
    if (element.size === null || element.size > cap) return null;
    if (element.start + element.size > this.size) return null;
    // Copied: the window is replaced by the next read.
    return (await this.bytes(element.start, element.size)).slice();
  }
}

interface Vint {
  value: number;
  length: number;
  unknown: boolean;
}

/**
 * A variable-length integer at `at`: its length is told by the first byte's leading zeros.
 * IDs keep their marker bit; sizes drop it, and all ones means "unknown".
 */
export function readVint(
  bytes: Uint8Array,
  at: number,
  maxLength: number,
  keepMarker: boolean,
): Vint | null {
  const first = bytes[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (length > maxLength || at + length > bytes.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let ones = value === 0xff >> length;
  for (let i = 1; i < length; i += 1) {
    const byte = bytes[at + i] ?? 0;
    ones &&= byte === 0xff;
    // Multiplication, not shifts: sizes pass 2^32 in large files.
    value = value * 256 + byte;
  }
  if (!keepMarker && ones) return { value: 0, length, unknown: true };
  if (!Number.isSafeInteger(value)) return null;
  return { value, length, unknown: false };
}

/** A big-endian unsigned integer of up to 8 bytes (the EBML uint type); null when longer or unsafe. */
export function readUint(bytes: Uint8Array): number | null {
  if (bytes.length > 8) return null;
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  return Number.isSafeInteger(value) ? value : null;
}

const utf8 = new TextDecoder('utf-8');

/** An EBML string (ASCII or UTF-8), without the zero bytes that may pad it. */
export function readString(bytes: Uint8Array): string {
  const zero = bytes.indexOf(0);
  return utf8.decode(zero === -1 ? bytes : bytes.subarray(0, zero));
}
