/** Pages sent at once, then again every PACE_MS: well under a receiver's incoming limit. */
export const PAGES_PER_BEAT = 8;
export const PACE_MS = 500;

/**
 * Hands `items` to `send` PAGES_PER_BEAT at a time, the first batch at once, so a long
 * subtitles file does not run a guest's per-link message budget dry (sync and chat share it).
 * Returns a function that stops what is left.
 */
export function sendPaced<T>(items: readonly T[], send: (item: T) => void): () => void {
  let next = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const beat = () => {
    for (const item of items.slice(next, next + PAGES_PER_BEAT)) send(item);
    next += PAGES_PER_BEAT;
    if (next < items.length) timer = setTimeout(beat, PACE_MS);
  };
  beat();
  return () => clearTimeout(timer);
}
