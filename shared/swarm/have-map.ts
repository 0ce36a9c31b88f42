import { chunkCount, type FileLayout } from './chunk-layout';

/**
 * Which chunks of a file a member holds: one bit a chunk, sent as base64 so a 16 GiB file's
 * map (8 KiB) fits one data-channel message.
 */
export class HaveMap {
  readonly #bits: Uint8Array;
  #count = 0;

  constructor(readonly chunks: number) {
    this.#bits = new Uint8Array(Math.ceil(chunks / 8));
  }

  static forLayout(layout: FileLayout): HaveMap {
    return new HaveMap(chunkCount(layout));
  }

  /** A map every chunk of which is held: the host's. */
  static full(chunks: number): HaveMap {
    const map = new HaveMap(chunks);
    for (let i = 0; i < chunks; i++) map.add(i);
    return map;
  }

  /**
   * Reads a map a peer sent; null when it is not base64, has the wrong length, or marks chunks
   * past the end, so a forged map cannot make us ask for chunks that do not exist.
   */
  static fromBase64(text: string, chunks: number): HaveMap | null {
    let raw: string;
    try {
      raw = atob(text);
    } catch {
      return null;
    }
    const map = new HaveMap(chunks);
    if (raw.length !== map.#bits.length) return null;
    for (let i = 0; i < raw.length; i++) map.#bits[i] = raw.charCodeAt(i);
    const spare = map.#bits.length * 8 - chunks;
    if (((map.#bits[map.#bits.length - 1] ?? 0) & ((1 << spare) - 1)) !== 0) return null;
    for (let i = 0; i < chunks; i++) if (map.has(i)) map.#count++;
    return map;
  }

  get count(): number {
    return this.#count;
  }

  get complete(): boolean {
    return this.#count === this.chunks;
  }

  has(index: number): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.chunks) return false;
    return ((this.#bits[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;
  }

  /** Marks a chunk held; false when it was already (or is out of range). */
  add(index: number): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.chunks || this.has(index)) {
      return false;
    }
    this.#bits[index >> 3] = (this.#bits[index >> 3] ?? 0) | (0x80 >> (index & 7));
    this.#count++;
    return true;
  }

  /** Marks a chunk no longer held (a store that had to let it go); false when it was not. */
  delete(index: number): boolean {
    if (!this.has(index)) return false;
    this.#bits[index >> 3] = (this.#bits[index >> 3] ?? 0) & ~(0x80 >> (index & 7));
    this.#count--;
    return true;
  }

  toBase64(): string {
    let raw = '';
    for (const byte of this.#bits) raw += String.fromCharCode(byte);
    return btoa(raw);
  }
}
