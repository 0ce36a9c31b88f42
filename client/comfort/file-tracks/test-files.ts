import fc from 'fast-check';
import type { ParseResult } from '../../../shared/subtitles/parse';

/**
 * For the readers' tests: the cues of e2e/text-track-clips.ts's PROBE_SRT as read back from a
 * file ffmpeg made, or why they are not. ffmpeg shifts every stream by the sound's 14 ms of
 * pre-roll, so times are rounded to a tenth of a second.
 */
export function probeCues(result: ParseResult | undefined) {
  if (!result?.ok) return result;
  return result.cues.map((c) => ({
    start: Math.round(c.start * 10) / 10,
    end: Math.round(c.end * 10) / 10,
    text: c.text,
  }));
}

export const PROBE_CUES = [
  { start: 0.5, end: 1.5, text: 'First line' },
  { start: 2, end: 3.3, text: 'Second line\nover two' },
  { start: 3.5, end: 4, text: 'Third' },
];

/**
 * Copies of `good` cut somewhere past its middle, with up to `maxChanges` bytes changed: half
 * of them near the end (where ffmpeg writes an MP4's movie header), half anywhere.
 */
export function damagedCopies(good: Uint8Array, maxChanges: number): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), {
        maxLength: maxChanges,
      }),
      fc.nat(good.length),
    )
    .map(([changes, cut]) => {
      const bytes = good.slice(0, Math.max(cut, Math.ceil(good.length / 2)));
      for (const [at, value] of changes) {
        const place = at % 2 ? at : bytes.length - 1 - (at % 4000);
        if (place >= 0 && place < bytes.length) bytes[place] = value;
      }
      return bytes;
    });
}
