import { sha256Hex } from '../../shared/swarm/chunk-hash';
import { chunkBounds, chunkCount, type FileLayout } from '../../shared/swarm/chunk-layout';

/** Chunks read at once: reading a picked file through Blob is the real cost, not the hash. */
export const SLICE_CHUNKS = 16;
/** Slices kept read, so guests asking for nearby chunks do not read the disk again. */
const SLICES_KEPT = 3;

/**
 * The host's file: read lazily in slices of SLICE_CHUNKS chunks, each chunk hashed the first
 * time it is read and announced through `onHashes`, never the whole film upfront.
 */
export class SeedFile {
  readonly hashes: (string | undefined)[];
  readonly #slices = new Map<number, Promise<Uint8Array<ArrayBuffer>>>();

  constructor(
    readonly blob: Blob,
    readonly layout: FileLayout,
    readonly onHashes: (first: number, hashes: string[]) => void,
  ) {
    this.hashes = new Array<string | undefined>(chunkCount(layout)).fill(undefined);
  }

  get chunks(): number {
    return this.hashes.length;
  }

  /**
   * Reads (and hashes) the file's first and last slices before anyone asks: every guest's player
   * asks for the first chunk, then the last (an MP4's or a Matroska's index), and the reading
   * otherwise started only when the first request came (bench/share: about 0.5 s from a guest's
   * first request to its first chunk, the host's own player loading the same file meanwhile).
   */
  warm(): void {
    const last = Math.floor((this.chunks - 1) / SLICE_CHUNKS);
    for (const slice of new Set([0, last])) this.#slice(slice).catch(() => {});
  }

  /** Chunk `index`'s bytes; its hash has been announced by the time they are returned. */
  async chunk(index: number): Promise<Uint8Array<ArrayBuffer>> {
    const slice = Math.floor(index / SLICE_CHUNKS);
    const bytes = await this.#slice(slice);
    const firstByte = chunkBounds(this.layout, slice * SLICE_CHUNKS).start;
    const { start, end } = chunkBounds(this.layout, index);
    return bytes.subarray(start - firstByte, end - firstByte);
  }

  #slice(slice: number): Promise<Uint8Array<ArrayBuffer>> {
    let read = this.#slices.get(slice);
    if (read) {
      this.#slices.delete(slice);
      this.#slices.set(slice, read);
      return read;
    }
    read = this.#read(slice);
    this.#slices.set(slice, read);
    read.catch(() => this.#slices.delete(slice));
    for (const old of this.#slices.keys()) {
      if (this.#slices.size <= SLICES_KEPT) break;
      this.#slices.delete(old);
    }
    return read;
  }

  async #read(slice: number): Promise<Uint8Array<ArrayBuffer>> {
    const first = slice * SLICE_CHUNKS;
    const last = Math.min(this.chunks, first + SLICE_CHUNKS) - 1;
    const from = chunkBounds(this.layout, first).start;
    const to = chunkBounds(this.layout, last).end;
    const bytes = new Uint8Array(await this.blob.slice(from, to).arrayBuffer());
    if (this.hashes[first] === undefined) {
      const hashes: string[] = [];
      for (let i = first; i <= last; i++) {
        const { start, end } = chunkBounds(this.layout, i);
        hashes.push(await sha256Hex(bytes.subarray(start - from, end - from)));
      }
      if (this.hashes[first] === undefined) {
        hashes.forEach((h, k) => {
          this.hashes[first + k] = h;
        });
        this.onHashes(first, hashes);
      }
    }
    return bytes;
  }
}
