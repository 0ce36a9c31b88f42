import { describe, expect, it } from 'vitest';
import {
  alignTimes,
  type Disturbance,
  errors,
  frameOffsets,
  positionAt,
  rateFigures,
  unplannedStalls,
} from './real-analysis';

/** A player sampled every `step` ms from `from` to `to`, at position pos(t). */
const sampled = (from: number, to: number, step: number, pos: (t: number) => number) => {
  const out = [];
  for (let t = from; t <= to; t += step) out.push({ t, pos: pos(t) });
  return out;
};

describe('positionAt', () => {
  const host = sampled(0, 1000, 20, (t) => 10 + t / 1000);

  it('interpolates between the samples around the instant', () => {
    expect(positionAt(host, 510, 100)).toBeCloseTo(10.51, 9);
  });

  it('knows nothing outside the samples or across a gap', () => {
    expect(positionAt(host, -5, 100)).toBeNull();
    expect(positionAt(host, 1005, 100)).toBeNull();
    const gappy = [
      { t: 0, pos: 0 },
      { t: 500, pos: 0.5 },
    ];
    expect(positionAt(gappy, 250, 100)).toBeNull();
  });

  it('does not interpolate across a jump (a seek)', () => {
    const jumped = [
      { t: 0, pos: 5 },
      { t: 20, pos: 25 },
    ];
    expect(positionAt(jumped, 10, 100)).toBeNull();
  });
});

describe('errors', () => {
  it('is the guest position minus the host position at the guest sample time', () => {
    const host = sampled(0, 2000, 20, (t) => t / 1000);
    const guest = sampled(7, 1987, 20, (t) => t / 1000 + 0.012);
    const e = errors(guest, host, 100);
    expect(e).toHaveLength(guest.length);
    for (const x of e) expect(x.error).toBeCloseTo(0.012, 9);
  });
});

describe('alignTimes', () => {
  const windows: Disturbance[] = [
    { kind: 'seek', at: 1000, until: 1000 },
    { kind: 'stall', at: 3000, until: 4000, guest: 'g1' },
    { kind: 'stall', at: 3000, until: 4000, guest: 'g2' },
  ];
  // Off by 100 ms until 1500, aligned after; off again from 3000 until 4300.
  const series = sampled(0, 8000, 50, (t) =>
    (t >= 1000 && t < 1500) || (t >= 3000 && t < 4300) ? 0.1 : 0.01,
  ).map((s) => ({ t: s.t, error: s.pos }));

  it('measures from the end of each of the guest’s own disturbances', () => {
    expect(alignTimes(series, windows, 'g1', 0, 8000, 0.04, 1000)).toEqual([
      { kind: 'seek', ms: 500 },
      { kind: 'stall', ms: 300 },
    ]);
  });

  it('skips what happened before the guest joined', () => {
    expect(alignTimes(series, windows, 'g1', 2000, 8000, 0.04, 1000)).toEqual([
      { kind: 'stall', ms: 300 },
    ]);
  });

  it('says never when the error does not stay in the band long enough', () => {
    const off = series.map((s) => ({ ...s, error: 0.2 }));
    expect(alignTimes(off, windows, 'g2', 0, 8000, 0.04, 1000)[1]).toEqual({
      kind: 'stall',
      ms: null,
    });
  });
});

describe('frameOffsets', () => {
  it('counts samples within half a frame as the same frame', () => {
    const f = 1 / 30;
    const series = [0, 0.01, -0.016, 0.02, -0.04, 0.07].map((error) => ({ error }));
    expect(frameOffsets(series, f)).toEqual({ same: 0.5, one: 0.333, more: 0.167 });
  });
});

describe('rateFigures', () => {
  it('gives the range of rates asked for and the number of changes', () => {
    expect(
      rateFigures([
        [0, 1],
        [1, 1.02],
        [2, 1.02],
        [3, 0.97],
        [4, 1],
      ]),
    ).toEqual({ min: 0.97, max: 1.02, changes: 3 });
  });
});

describe('unplannedStalls', () => {
  const positions = sampled(0, 5000, 20, (t) =>
    t < 2000 ? t / 1000 : t < 2600 ? 2 : (t - 600) / 1000,
  );

  it('is a wait for data until the position moves on', () => {
    expect(unplannedStalls([2000], positions, [], 2000)).toEqual([
      { kind: 'unplanned stall', at: 2000, until: 2620 },
    ]);
  });

  it('leaves out the brief waits right after a planned event', () => {
    expect(unplannedStalls([2000], positions, [1500], 2000)).toEqual([]);
  });
});
