import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClockOffsetEstimator } from './clock-offset';

describe('ClockOffsetEstimator', () => {
  it('has no estimate before a sample', () => {
    expect(new ClockOffsetEstimator().estimate()).toBeNull();
  });

  it('recovers the true offset from the shortest round trip despite asymmetric queueing', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 200, noNaN: true }),
            fc.double({ min: 0, max: 200, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        (trueOffset, delays) => {
          const est = new ClockOffsetEstimator(64);
          let t = 1000;
          // one clean exchange (0.5 ms each way) hidden among noisy ones
          const all = [...delays, [0.5, 0.5] as [number, number]];
          for (const [up, down] of all) {
            const t1 = t + up + trueOffset;
            est.add({ t0: t, t1, t2: t + up + down });
            t += 100;
          }
          const e = est.estimate();
          expect(e).not.toBeNull();
          // the error of one exchange is at most half its round-trip asymmetry
          expect(Math.abs((e?.offset ?? 0) - trueOffset)).toBeLessThanOrEqual(
            (e?.rtt ?? 0) / 2 + 1e-6,
          );
          expect(e?.rtt).toBeLessThanOrEqual(1 + 1e-9);
        },
      ),
    );
  });

  it('forgets samples older than its window', () => {
    const est = new ClockOffsetEstimator(2);
    est.add({ t0: 0, t1: 50, t2: 1 });
    est.add({ t0: 10, t1: 70, t2: 30 });
    est.add({ t0: 20, t1: 80, t2: 40 });
    expect(est.sampleCount).toBe(2);
    expect(est.estimate()?.rtt).toBe(20);
  });

  it('ignores impossible samples', () => {
    const est = new ClockOffsetEstimator();
    est.add({ t0: 10, t1: 5, t2: 0 });
    est.add({ t0: 0, t1: Number.NaN, t2: 1 });
    expect(est.estimate()).toBeNull();
  });
});
