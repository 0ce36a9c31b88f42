import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePeerMessage, encodePeerMessage } from '../peer-messages';
import { SubtitleAssembly } from './assembly';
import type { Cue } from './cue';
import { CUE_TEXT_MAX, SUBTITLE_CUES_MAX } from './limits';
import { subtitlePages } from './pages';

const cue = (i: number, text = `line ${i}`): Cue => ({ start: i, end: i + 1, text });

describe('subtitle pages', () => {
  it('every page fits one data-channel message, even with the worst text', () => {
    // Control-free text that JSON escapes the most: quotes and backslashes, and 3-byte characters.
    const worst = Array.from({ length: 40 }, (_, i) =>
      cue(i, '"\\€'.repeat(CUE_TEXT_MAX / 3).slice(0, CUE_TEXT_MAX)),
    );
    const pages = subtitlePages('set', worst);
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) {
      const decoded = decodePeerMessage(encodePeerMessage(page));
      expect(decoded.ok).toBe(true);
    }
  });

  it('come back together as the same cues, in any order, pages sent twice ignored', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 300 }),
        fc.integer(),
        (texts, seed) => {
          const cues = texts.map((text, i) => cue(i, text));
          const pages = subtitlePages('set', cues);
          const shuffled = [...pages].sort((a, b) => ((a.page * seed) % 7) - ((b.page * seed) % 7));
          // A page that comes twice before the set is complete counts once.
          if (shuffled.length > 1) shuffled.splice(1, 0, shuffled[0] as (typeof pages)[0]);
          const assembly = new SubtitleAssembly();
          const results = shuffled.map((page) => assembly.add(page));
          const done = results.filter((r) => r !== null);
          expect(done).toHaveLength(1);
          expect(done[0]).toEqual(cues);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('a new set replaces one half received', () => {
    const assembly = new SubtitleAssembly();
    const first = subtitlePages(
      'one',
      Array.from({ length: 2000 }, (_, i) => cue(i)),
    );
    expect(first.length).toBeGreaterThan(1);
    expect(assembly.add(first[0] as (typeof first)[0])).toBeNull();
    expect(assembly.add(subtitlePages('two', [cue(7)])[0] as (typeof first)[0])).toEqual([cue(7)]);
    // The rest of the first set alone never completes it.
    for (const page of first.slice(1)) expect(assembly.add(page)).toBeNull();
  });

  it('drops a set that claims more cues than allowed, and ignores pages that disagree', () => {
    const assembly = new SubtitleAssembly();
    const page = (index: number, cues: Cue[], pages = 4) => ({
      type: 'subtitles' as const,
      id: 'big',
      page: index,
      pages,
      cues,
    });
    const many = Array.from({ length: SUBTITLE_CUES_MAX / 2 + 1 }, (_, i) => cue(i));
    expect(assembly.add(page(0, many))).toBeNull();
    expect(assembly.add(page(1, many))).toBeNull();
    // Refused: even the pages that would complete it do nothing.
    expect(assembly.add(page(2, [cue(1)]))).toBeNull();
    expect(assembly.add(page(3, [cue(1)]))).toBeNull();
    const other = new SubtitleAssembly();
    expect(other.add({ ...page(0, [cue(1)], 2), id: 'x' })).toBeNull();
    expect(other.add({ ...page(1, [cue(2)], 3), id: 'x' })).toBeNull();
    expect(other.add({ ...page(1, [cue(2)], 2), id: 'x' })).toEqual([cue(1), cue(2)]);
  });

  it('a page over 16 KiB or with a malformed cue is refused on receipt', () => {
    const big = JSON.stringify({
      type: 'subtitles',
      id: 'x',
      page: 0,
      pages: 1,
      cues: [cue(0, 'a'.repeat(20_000))],
    });
    expect(decodePeerMessage(big)).toEqual({ ok: false, reason: 'too_large' });
    for (const bad of [
      { start: -1, end: 1, text: 'a' },
      { start: 0, end: 1, text: '' },
      { start: 0, end: 1, text: 'a'.repeat(CUE_TEXT_MAX + 1) },
      { start: 0, end: 'x', text: 'a' },
    ]) {
      const raw = JSON.stringify({ type: 'subtitles', id: 'x', page: 0, pages: 1, cues: [bad] });
      expect(decodePeerMessage(raw).ok).toBe(false);
    }
    const past = { type: 'subtitles', id: 'x', page: 0, pages: 100_000, cues: [cue(0)] };
    expect(decodePeerMessage(JSON.stringify(past)).ok).toBe(false);
  });
});
