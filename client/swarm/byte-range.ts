/**
 * The bytes a service worker answers to a `<video>`'s Range request: `end` inclusive, at most
 * `maxBytes` of them (the player asks again for the rest), or null when the range cannot be
 * satisfied (416). Chromium asks `bytes=N-`; `bytes=N-M` and a suffix `bytes=-N` are served too.
 */
export function answerRange(
  header: string | null,
  size: number,
  maxBytes: number,
): { start: number; end: number } | null {
  if (size <= 0) return null;
  if (header === null) return { start: 0, end: Math.min(size, maxBytes) - 1 };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, from = '', to = ''] = match;
  let start: number;
  let end: number;
  if (from === '') {
    if (to === '') return null;
    start = Math.max(0, size - Number(to));
    end = size - 1;
  } else {
    start = Number(from);
    end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  }
  if (!Number.isSafeInteger(start) || start >= size || end < start) return null;
  return { start, end: Math.min(end, start + maxBytes - 1) };
}

/**
 * What of `range` to answer now: the bytes held from its start on (up to its end), and never
 * less than the rest of the chunk it starts in. A player that asks where nothing is held yet
 * (the first bytes, an index at the file's end, a seek) gets one chunk as soon as it arrives
 * instead of waiting for a whole bounded answer; where prefetch is ahead it gets all of that.
 * `heldEnd` is where the bytes held contiguously from `range.start` end (exclusive).
 */
export function readyPart(
  range: { start: number; end: number },
  chunkSize: number,
  heldEnd: number,
): { start: number; end: number } {
  const chunkEnd = (Math.floor(range.start / chunkSize) + 1) * chunkSize;
  return { start: range.start, end: Math.min(range.end, Math.max(chunkEnd, heldEnd) - 1) };
}
