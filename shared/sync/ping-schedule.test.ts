import { describe, expect, it } from 'vitest';
import { ClockOffsetEstimator } from './clock-offset';
import { DEFAULT_PING_SCHEDULE, nextPingDelay } from './ping-schedule';

describe('nextPingDelay', () => {
  it('bursts on connect, then settles to the period', () => {
    const delays = Array.from({ length: 8 }, (_, sent) => nextPingDelay(sent));
    expect(delays).toEqual([100, 100, 100, 100, 100, 3000, 3000, 3000]);
  });

  it('gives the estimator its best sample within the burst when one exchange is clean', () => {
    const est = new ClockOffsetEstimator();
    let t = 0;
    // queueing on a fresh link: round trips of 80, 60, 2, 40, 30 ms; the host is 250 ms ahead
    for (const rtt of [80, 60, 2, 40, 30]) {
      est.add({ t0: t, t1: t + rtt / 2 + 250, t2: t + rtt });
      t += nextPingDelay(est.sampleCount - 1);
    }
    expect(t).toBeLessThanOrEqual(DEFAULT_PING_SCHEDULE.burst * DEFAULT_PING_SCHEDULE.burstGapMs);
    expect(est.estimate()).toMatchObject({ offset: 250, rtt: 2 });
  });
});
