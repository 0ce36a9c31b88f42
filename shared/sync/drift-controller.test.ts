import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DRIFT_PARAMS, DriftController } from './drift-controller';

const TICK_MS = 250;

/** An ideal player chasing a host that plays at 1x: positions in seconds, time in ms. */
function run(
  startError: number,
  opts: { seekMs?: number; ticks?: number; hostRate?: number } = {},
) {
  const c = new DriftController();
  const hostRate = opts.hostRate ?? 1;
  const seekMs = opts.seekMs ?? 80;
  let now = 0;
  let host = 100;
  let guest = host + startError;
  let rate = hostRate;
  let pendingSeek: { at: number; position: number } | null = null;
  const errors: number[] = [];
  const rates: number[] = [];
  for (let i = 0; i < (opts.ticks ?? 120); i++) {
    const dt = TICK_MS / 1000;
    host += dt * hostRate;
    if (pendingSeek && now + TICK_MS >= pendingSeek.at) {
      guest = pendingSeek.position + ((now + TICK_MS - pendingSeek.at) / 1000) * rate;
      c.seekLanded(seekMs);
      pendingSeek = null;
    } else if (!pendingSeek) {
      guest += dt * rate;
    }
    now += TICK_MS;
    const corr = c.update({ actual: guest, target: host, hostRate, paused: false, now });
    rate = corr.rate;
    if (corr.kind === 'seek') pendingSeek = { at: now + seekMs, position: corr.position };
    errors.push(guest - host);
    rates.push(rate);
  }
  return { errors, rates, seeks: c.seeks };
}

describe('DriftController', () => {
  it('leaves a guest inside the dead band alone', () => {
    const c = new DriftController();
    const r = c.update({ actual: 10.002, target: 10, hostRate: 1, paused: false, now: 0 });
    expect(r).toEqual({ kind: 'none', rate: 1 });
  });

  it('nudges the rate, never seeks, for errors under the seek threshold', () => {
    fc.assert(
      fc.property(
        fc.double({
          min: -DEFAULT_DRIFT_PARAMS.seekThreshold + 1e-3,
          max: DEFAULT_DRIFT_PARAMS.seekThreshold - 1e-3,
          noNaN: true,
        }),
        (e) => {
          expect(run(e).seeks).toBe(0);
        },
      ),
    );
  });

  it('keeps every rate within ±5 % of the host rate', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -30, max: 30, noNaN: true }),
        fc.constantFrom(0.5, 1, 1.5, 2),
        (e, hostRate) => {
          for (const r of run(e, { hostRate }).rates) {
            expect(r).toBeGreaterThanOrEqual(hostRate * 0.95 - 1e-12);
            expect(r).toBeLessThanOrEqual(hostRate * 1.05 + 1e-12);
          }
        },
      ),
    );
  });

  it('converges into the dead band from any starting error', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -600, max: 600, noNaN: true }),
        fc.integer({ min: 10, max: 400 }),
        (e, seekMs) => {
          const { errors } = run(e, { seekMs, ticks: 200 });
          const tail = errors.slice(-20);
          for (const x of tail)
            expect(Math.abs(x)).toBeLessThanOrEqual(DEFAULT_DRIFT_PARAMS.deadBand + 1e-9);
        },
      ),
    );
  });

  it('does not oscillate: a nudged error never changes sign', () => {
    fc.assert(
      fc.property(fc.double({ min: -0.39, max: 0.39, noNaN: true }), (e) => {
        const { errors } = run(e);
        const significant = errors.filter((x) => Math.abs(x) > DEFAULT_DRIFT_PARAMS.settleBand);
        const signs = new Set(significant.map(Math.sign));
        expect(signs.size).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('aims a seek ahead by the measured seek delay', () => {
    const c = new DriftController();
    for (let i = 0; i < 20; i++) c.seekLanded(200);
    const r = c.update({ actual: 0, target: 50, hostRate: 1, paused: false, now: 0 });
    expect(r.kind).toBe('seek');
    if (r.kind === 'seek') expect(r.position).toBeCloseTo(50.2, 2);
  });

  it('learns the seek delay from where its seeks land, so it also counts the wait to play on', () => {
    const c = new DriftController();
    // Every seek is reported to take 20 ms, but the player only plays on 60 ms later.
    const landed = (aimedAt: number, requestedAt: number) => {
      c.seekLanded(20);
      const now = requestedAt + DEFAULT_DRIFT_PARAMS.seekCooldown + 100;
      const target = 50 + now / 1000;
      const actual = aimedAt + (now - requestedAt - 80) / 1000;
      return c.update({ actual, target, hostRate: 1, paused: false, now });
    };
    let now = 0;
    for (let i = 0; i < 4; i++) {
      const jump = c.jump(50 + now / 1000, 1, false, now);
      if (jump.kind !== 'seek') throw new Error('expected a seek');
      landed(jump.position, now);
      now += 5000;
    }
    expect(c.seekDelay).toBeCloseTo(0.08, 3);
  });

  it('is not thrown by one slow seek on a busy machine', () => {
    const c = new DriftController();
    const seekLandingAt = (delayS: number, now: number) => {
      const jump = c.jump(50 + now / 1000, 1, false, now);
      if (jump.kind !== 'seek') throw new Error('expected a seek');
      const later = now + 1000;
      c.update({
        actual: jump.position + (later - now) / 1000 - delayS,
        target: 50 + later / 1000,
        hostRate: 1,
        paused: false,
        now: later,
      });
    };
    for (const [i, delay] of [0.05, 0.06, 0.9, 0.05, 0.07].entries())
      seekLandingAt(delay, i * 5000);
    expect(c.seekDelay).toBeCloseTo(0.06, 3);
  });

  it('takes the middle two of an even count of landings, not the larger', () => {
    const c = new DriftController();
    for (const [i, delay] of [0.4, 0.1].entries()) {
      const now = i * 5000;
      const jump = c.jump(50 + now / 1000, 1, false, now);
      if (jump.kind !== 'seek') throw new Error('expected a seek');
      c.update({
        actual: jump.position + 1 - delay,
        target: 50 + now / 1000 + 1,
        hostRate: 1,
        paused: false,
        now: now + 1000,
      });
    }
    expect(c.seekDelay).toBeCloseTo(0.25, 3);
  });

  it('does not seek for a host jump it is already at (a resume after a pause)', () => {
    const c = new DriftController();
    expect(c.jump(42, 1, false, 0, 42.02)).toEqual({ kind: 'none', rate: 1 });
    expect(c.jump(42, 1, true, 0, 42.01)).toEqual({ kind: 'none', rate: 1 });
    expect(c.jump(42, 1, false, 0, 42.2).kind).toBe('seek');
    expect(c.jump(42, 1, true, 0, 42.05)).toEqual({ kind: 'seek', position: 42, rate: 1 });
    expect(c.seeks).toBe(2);
  });

  it('brings a paused guest to rest within a frame of the host', () => {
    const c = new DriftController();
    const far = c.update({ actual: 12.3, target: 12, hostRate: 1, paused: true, now: 0 });
    expect(far).toEqual({ kind: 'seek', position: 12, rate: 1 });
    const near = c.update({ actual: 12.01, target: 12, hostRate: 1, paused: true, now: 1000 });
    expect(near.kind).toBe('none');
  });

  it('waits out a seek before correcting again', () => {
    const c = new DriftController();
    expect(c.update({ actual: 0, target: 5, hostRate: 1, paused: false, now: 0 }).kind).toBe(
      'seek',
    );
    expect(c.update({ actual: 0, target: 5, hostRate: 1, paused: false, now: 100 }).kind).toBe(
      'none',
    );
  });
});
