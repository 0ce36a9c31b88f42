import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst of capacity, then refills over time', () => {
    const bucket = new TokenBucket(3, 2, 0);
    expect([1, 2, 3, 4].map(() => bucket.take(0))).toEqual([true, true, true, false]);
    expect(bucket.take(499)).toBe(false);
    expect(bucket.take(500)).toBe(true);
    expect(bucket.take(500)).toBe(false);
  });

  it('says how many whole tokens there are without taking one', () => {
    const bucket = new TokenBucket(3, 2, 0);
    expect(bucket.available(0)).toBe(3);
    expect(bucket.take(0)).toBe(true);
    expect(bucket.available(0)).toBe(2);
    bucket.take(0);
    bucket.take(0);
    expect(bucket.available(0)).toBe(0);
    expect(bucket.available(499)).toBe(0);
    expect(bucket.available(500)).toBe(1);
  });

  it('never refills above capacity', () => {
    const bucket = new TokenBucket(2, 100, 0);
    const taken = [0, 0, 0].map(() => bucket.take(60_000)).filter(Boolean).length;
    expect(taken).toBe(2);
  });

  it('ignores a clock that goes backwards', () => {
    const bucket = new TokenBucket(1, 1, 1000);
    expect(bucket.take(1000)).toBe(true);
    expect(bucket.take(0)).toBe(false);
    expect(bucket.take(1500)).toBe(false);
    expect(bucket.take(2000)).toBe(true);
  });

  it('admits at most capacity + rate × time over any schedule', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 500 }),
        (capacity, rate, gaps) => {
          const bucket = new TokenBucket(capacity, rate, 0);
          let now = 0;
          let admitted = 0;
          for (const gap of gaps) {
            now += gap;
            if (bucket.take(now)) admitted += 1;
          }
          expect(admitted).toBeLessThanOrEqual(capacity + (rate * now) / 1000 + 1e-9);
        },
      ),
    );
  });
});
