import { z } from 'zod/mini';
import type { Cue } from '../../shared/subtitles/cue';
import { SUBTITLE_CUES_MAX, SUBTITLE_TEXT_MAX } from '../../shared/subtitles/limits';
import { cueSchema } from '../../shared/subtitles/messages';

const PREFIX = 'lc.subtitles.';

const keptSchema = z.object({
  /** The file's name, for the host's status line; '' when the host was handed them. */
  name: z.string().check(z.maxLength(255)),
  cues: z.array(cueSchema).check(z.minLength(1), z.maxLength(SUBTITLE_CUES_MAX)),
});
/** The subtitles a host shows its room: what a reload of its page needs to show them again. */
export type KeptSubtitles = z.infer<typeof keptSchema>;

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * The host's subtitles per room in sessionStorage, so a reload of the host's tab brings them
 * back for everyone; a closed tab keeps nothing. The cues are the parsed ones, within the
 * limits a file has (SUBTITLE_CUES_MAX, SUBTITLE_TEXT_MAX: at most about 4.5 MB of storage).
 */
export function keepSubtitles(storage: Store, roomId: string, name: string, cues: Cue[]): void {
  try {
    storage.setItem(PREFIX + roomId, JSON.stringify({ name: name.slice(0, 255), cues }));
  } catch {
    // Storage full or refused: the room still has them until the page goes.
    storage.removeItem(PREFIX + roomId);
  }
}

/** What the host kept for `roomId`, if it is sound; anything else is forgotten. */
export function keptSubtitles(storage: Store, roomId: string): KeptSubtitles | null {
  const raw = storage.getItem(PREFIX + roomId);
  if (raw === null) return null;
  try {
    const kept = keptSchema.safeParse(JSON.parse(raw));
    const text = kept.success ? kept.data.cues.reduce((n, c) => n + c.text.length, 0) : Infinity;
    if (kept.success && text <= SUBTITLE_TEXT_MAX) return kept.data;
  } catch {
    // Not JSON: forgotten below, like any other broken value.
  }
  forgetSubtitles(storage, roomId);
  return null;
}

export function forgetSubtitles(storage: Store, roomId: string): void {
  storage.removeItem(PREFIX + roomId);
}
