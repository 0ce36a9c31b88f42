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
