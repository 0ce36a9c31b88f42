import type { Cue } from '../../../shared/subtitles/cue';
import {
  CUE_TIME_MAX,
  SUBTITLE_CUES_MAX,
  SUBTITLE_TEXT_MAX,
} from '../../../shared/subtitles/limits';
import type { ParseResult } from '../../../shared/subtitles/parse';

/** A cue with no duration in the file lasts until the next one, or this long (s). */
const OPEN_CUE_MAX_S = 5;

/**
 * A track's cues as they are read from a video file, within the limits a subtitles file has:
 * past SUBTITLE_CUES_MAX cues or SUBTITLE_TEXT_MAX of text the track is refused.
 */
export class CueCollector {
  readonly #cues: Array<{ start: number; end: number | null; text: string }> = [];
  #text = 0;
  refused: 'too-many-cues' | 'too-much-text' | null = null;

  /** Adds a cue (`end` null: the file gives no duration); empty or too late ones are skipped. */
  add(start: number, end: number | null, text: string): void {
    if (this.refused || text === '' || start > CUE_TIME_MAX) return;
    if (this.#cues.length >= SUBTITLE_CUES_MAX) {
      this.refused = 'too-many-cues';
      return;
    }
    this.#text += text.length;
    if (this.#text > SUBTITLE_TEXT_MAX) {
      this.refused = 'too-much-text';
      return;
    }
    this.#cues.push({ start: Math.max(0, start), end, text });
  }

  /** The cues sorted by start, each open one closed by the next (or after OPEN_CUE_MAX_S). */
  result(): ParseResult {
    if (this.refused) return { ok: false, reason: this.refused };
    const sorted = [...this.#cues].sort((a, b) => a.start - b.start);
    const cues: Cue[] = [];
    for (const [i, cue] of sorted.entries()) {
      const next = sorted[i + 1]?.start ?? Number.POSITIVE_INFINITY;
      const end =
        cue.end ??
        Math.min(cue.start + OPEN_CUE_MAX_S, next > cue.start ? next : Number.POSITIVE_INFINITY);
      if (end > cue.start && end <= CUE_TIME_MAX)
        cues.push({ start: cue.start, end, text: cue.text });
    }
    return cues.length > 0 ? { ok: true, cues } : { ok: false, reason: 'no-cues' };
  }
}
