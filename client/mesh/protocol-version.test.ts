import { describe, expect, it } from 'vitest';
import { outdatedSide } from './protocol-version';

describe('outdatedSide', () => {
  it('finds nothing to say when both speak the same version', () => {
    expect(outdatedSide(3, 3)).toBeNull();
  });

  it('tells the side with the lower version that its own page is out of date', () => {
    expect(outdatedSide(1, 2)).toBe('self');
  });

  it('tells the side with the higher version that the other page is out of date', () => {
    expect(outdatedSide(2, 1)).toBe('peer');
  });

  it('gives the two sides opposite answers, so exactly one is asked to reload', () => {
    for (const [a, b] of [
      [1, 2],
      [5, 3],
      [1, 100],
    ] as const) {
      expect(new Set([outdatedSide(a, b), outdatedSide(b, a)])).toEqual(new Set(['self', 'peer']));
    }
  });
});
