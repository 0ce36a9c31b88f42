import { describe, expect, it } from 'vitest';
import { listChanged } from './list-changed';

describe('listChanged', () => {
  const a = { id: 'a' };
  const b = { id: 'b' };

  it('sees a fresh array with the same items as unchanged', () => {
    expect(listChanged([a, b], [a, b])).toBe(false);
    expect(listChanged([], [])).toBe(false);
  });

  it('sees another item, order or length as a change', () => {
    expect(listChanged([a, b], [b, a])).toBe(true);
    expect(listChanged([a, { id: 'b' }], [a, b])).toBe(true);
    expect(listChanged([a], [a, b])).toBe(true);
    expect(listChanged([a], undefined)).toBe(true);
  });
});
