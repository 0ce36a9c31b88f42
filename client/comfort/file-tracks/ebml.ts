import { SlicedReader } from './sliced-reader';

/**
 * Reading EBML (the binary layout of Matroska and WebM) from a file in slices. Only what the
 * text-track reader needs: element headers, unsigned integers, strings and small payloads.
 * Every read is bounded: a window of at most WINDOW_BYTES is held, a payload longer than the
 * caller's cap is never read, and a size that runs past the file or its parent is refused.
 */

/** An element's header: its ID (marker bits kept, as the specs write them) and where its data is. */
export interface ElementHeader {
  id: number;
  /** Where the data starts, bytes from the start of the file. */
  start: number;
  /** Data length, or null when the writer did not know it ("unknown size", live recordings). */
  size: number | null;
}

/** A Matroska or WebM file read through a SlicedReader, an element at a time. */
export class EbmlReader extends SlicedReader {
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
