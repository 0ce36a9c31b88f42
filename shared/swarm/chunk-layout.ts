/** The largest chunk the swarm moves: one `lc-file` message (DESIGN.md). */
export const CHUNK_BYTES_MAX = 256 * 1024;
/**
 * The most chunks a shared file may have: its have-map (one bit a chunk) must fit one JSON
 * data-channel message with room to spare. 65,536 chunks of 256 KiB is a 16 GiB file.
 */
export const CHUNKS_MAX = 65_536;

/** How a shared file is cut: every chunk is `chunkSize` bytes except a shorter last one. */
export interface FileLayout {
  size: number;
  chunkSize: number;
}

export function chunkCount({ size, chunkSize }: FileLayout): number {
  return Math.ceil(size / chunkSize);
}

/** Whether a layout announced by a peer is one we can hold. */
export function isValidLayout(layout: FileLayout): boolean {
  const { size, chunkSize } = layout;
  return (
    Number.isSafeInteger(size) &&
    size > 0 &&
    Number.isSafeInteger(chunkSize) &&
    chunkSize > 0 &&
    chunkSize <= CHUNK_BYTES_MAX &&
    chunkCount(layout) <= CHUNKS_MAX
  );
}

/** The bytes of chunk `index`: `start` inclusive, `end` exclusive. */
export function chunkBounds(layout: FileLayout, index: number): { start: number; end: number } {
  const start = index * layout.chunkSize;
  return { start, end: Math.min(layout.size, start + layout.chunkSize) };
}

/** The chunk that holds byte `offset` (clamped to the file). */
export function chunkAt(layout: FileLayout, offset: number): number {
  const last = chunkCount(layout) - 1;
  return Math.min(last, Math.max(0, Math.floor(offset / layout.chunkSize)));
}
