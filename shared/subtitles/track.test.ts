import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeTrack, textAt } from './track';

describe('textAt', () => {
  const track = makeTrack([
    { start: 5, end: 6, text: 'C' },
    { start: 1, end: 2, text: 'A' },
    { start: 1.5, end: 10, text: 'long' },
    { start: 3, end: 4, text: 'B' },
  ]);

  it('finds the cue on show, start included and end excluded', () => {
    expect(textAt(track, 0.5)).toBe('');
    expect(textAt(track, 1)).toBe('A');
    expect(textAt(track, 2)).toBe('long');
    expect(textAt(track, 3.5)).toBe('long\nB');
    expect(textAt(track, 10)).toBe('');
    expect(textAt(makeTrack([]), 1)).toBe('');
  });

  it('shows overlapping cues together, in start order', () => {
    expect(textAt(track, 1.75)).toBe('A\nlong');
  });

  it('agrees with a scan of every cue', () => {
    const cue = fc
      .tuple(fc.nat(1000), fc.integer({ min: 1, max: 200 }), fc.string({ minLength: 1 }))
      .map(([start, length, text]) => ({ start: start / 10, end: (start + length) / 10, text }));
    fc.assert(
      fc.property(fc.array(cue, { maxLength: 50 }), fc.nat(1300), (cues, at) => {
        const t = at / 10;
        const sorted = [...cues].sort((a, b) => a.start - b.start);
        const expected = sorted
          .filter((c) => c.start <= t && t < c.end)
          .map((c) => c.text)
          .join('\n');
        expect(textAt(makeTrack(cues), t)).toBe(expected);
      }),
    );
  });
});
