import type { Correction } from '../../shared/sync/drift-controller';
import { type PlaybackState, targetPosition } from '../../shared/sync/target';
import type { Policy } from './policies';

/** Deterministic PRNG (mulberry32) so every policy faces the same jitter, latencies and drifts. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GuestSpec {
  name: string;
  /** media clock drift against the host, parts per million */
  driftPpm: number;
  joinAt: number;
}

export interface Disturbance {
  at: number;
  until: number;
  kind: 'join' | 'seek' | 'pause' | 'resume' | 'off-rate' | 'stall' | 'late-join';
  /** the guest it affects; all guests when absent */
  guest?: string;
}

export interface Scenario {
  durationMs: number;
  stepMs: number;
  guests: GuestSpec[];
  hostSeek: { at: number; to: number };
  hostPause: { at: number; resumeAt: number };
  offRate: { guest: string; at: number; until: number; rate: number };
  stall: { guest: string; at: number; until: number };
  heartbeatMs: number;
  netDelayMs: [number, number];
  seekLatencyMs: [number, number];
  /** after a seek lands the player stands still this long before it plays on (Chromium: ~40 ms) */
  seekRestartMs: [number, number];
  /**
   * a guest reads its position this far off (±, uniform) while its rate differs from the
   * host's: Chromium's currentTime wanders so around the truth during time-stretching
   */
  readNoiseMs: number;
  offsetErrorMs: number;
  seed: number;
}

export const DEFAULT_SCENARIO: Scenario = {
  durationMs: 90_000,
  stepMs: 10,
  guests: [
    { name: 'g1', driftPpm: 80, joinAt: 0 },
    { name: 'g2', driftPpm: -120, joinAt: 0 },
    { name: 'g3', driftPpm: 40, joinAt: 0 },
    { name: 'late', driftPpm: -30, joinAt: 60_000 },
  ],
  hostSeek: { at: 20_000, to: 300 },
  hostPause: { at: 30_000, resumeAt: 33_000 },
  offRate: { guest: 'g2', at: 40_000, until: 45_000, rate: 1.1 },
  stall: { guest: 'g1', at: 50_000, until: 51_500 },
  heartbeatMs: 1000,
  netDelayMs: [10, 40],
  seekLatencyMs: [60, 250],
  seekRestartMs: [30, 60],
  readNoiseMs: 5,
  offsetErrorMs: 2,
  seed: 42,
};

export function disturbancesOf(s: Scenario): Disturbance[] {
  const all: Disturbance[] = [
    ...s.guests.map(
      (g): Disturbance => ({
        at: g.joinAt,
        until: g.joinAt,
        kind: g.joinAt > 0 ? 'late-join' : 'join',
        guest: g.name,
      }),
    ),
    { at: s.hostSeek.at, until: s.hostSeek.at, kind: 'seek' },
    { at: s.hostPause.at, until: s.hostPause.at, kind: 'pause' },
    { at: s.hostPause.resumeAt, until: s.hostPause.resumeAt, kind: 'resume' },
    { at: s.offRate.at, until: s.offRate.until, kind: 'off-rate', guest: s.offRate.guest },
    { at: s.stall.at, until: s.stall.until, kind: 'stall', guest: s.stall.guest },
  ];
  return all.sort((a, b) => a.at - b.at);
}

interface HostSync extends PlaybackState {
  /** a jump or a play/pause the guest applies at once, as every watch-party app does */
  event: boolean;
}

export interface Trace {
  guest: string;
  t: number;
  /** guest position minus host position, seconds */
  error: number;
  rate: number;
  /** the scenario, not the policy, set the rate */
  forced: boolean;
}

export interface GuestResult {
  trace: Trace[];
  correctionSeeks: number;
  /** correction seeks more than FOLLOW_UP_MS after any earlier seek: a jump the viewer notices */
  standaloneSeeks: number;
  eventSeeks: number;
  /** times the policy changed the playback rate */
  rateChanges: number;
}

interface Seek {
  landAt: number;
  position: number;
  startedAt: number;
  /** a start: hold the landed frame until the policy says play */
  hold: boolean;
}

/** A seek this soon after another lands while the picture is still settling from the first jump. */
const FOLLOW_UP_MS = 1500;

/** Host position at true time t (ms): plays at 1x, jumps once, pauses once. */
function hostAt(s: Scenario, t: number): { position: number; paused: boolean } {
  if (t < s.hostSeek.at) return { position: t / 1000, paused: false };
  const afterSeek = (t - s.hostSeek.at) / 1000;
  if (t < s.hostPause.at) return { position: s.hostSeek.to + afterSeek, paused: false };
  const pausedAt = s.hostSeek.to + (s.hostPause.at - s.hostSeek.at) / 1000;
  if (t < s.hostPause.resumeAt) return { position: pausedAt, paused: true };
  return { position: pausedAt + (t - s.hostPause.resumeAt) / 1000, paused: false };
}

/** Runs one guest under one policy through the scenario. */
export function simulateGuest(
  s: Scenario,
  spec: GuestSpec,
  policy: Policy,
  seed: number,
): GuestResult {
  const rand = rng(seed);
  const between = ([lo, hi]: [number, number]) => lo + (hi - lo) * rand();
  const offsetError = (rand() * 2 - 1) * s.offsetErrorMs;
  const events = new Set([s.hostSeek.at, s.hostPause.at, s.hostPause.resumeAt]);

  // Syncs in flight: [deliverAt, sync]
  const inbox: Array<[number, HostSync]> = [];
  let nextHeartbeat = spec.joinAt;
  let last: HostSync | null = null;

  let position = 0;
  let paused = true;
  let rate = 1;
  let pendingSeek: Seek | null = null;
  let restartAt = Number.NEGATIVE_INFINITY;
  /** a start's frame is held (the player paused) until then */
  let holdUntil: number | null = null;
  let nextDecision = spec.joinAt;
  const result: GuestResult = {
    trace: [],
    correctionSeeks: 0,
    standaloneSeeks: 0,
    eventSeeks: 0,
    rateChanges: 0,
  };
  let lastSeekAt = Number.NEGATIVE_INFINITY;

  const startSeek = (t: number, c: Correction, counts: 'event' | 'correction') => {
    if (c.kind !== 'seek' && c.kind !== 'start') return;
    holdUntil = null;
    pendingSeek = {
      landAt: t + between(s.seekLatencyMs),
      position: c.position,
      startedAt: t,
      hold: c.kind === 'start',
    };
    if (counts === 'event') result.eventSeeks += 1;
    else {
      result.correctionSeeks += 1;
      if (t - lastSeekAt > FOLLOW_UP_MS) result.standaloneSeeks += 1;
    }
    lastSeekAt = t;
  };

  for (let t = spec.joinAt; t <= s.durationMs; t += s.stepMs) {
    const host = hostAt(s, t);
    const isEvent = events.has(t);
    if (t >= nextHeartbeat || isEvent) {
      const sync: HostSync = {
        paused: host.paused,
        position: host.position,
        rate: 1,
        at: t,
        event: isEvent || last === null,
      };
      inbox.push([t + between(s.netDelayMs), sync]);
      if (t >= nextHeartbeat) nextHeartbeat = t + s.heartbeatMs;
    }
    while (inbox.length > 0 && (inbox[0]?.[0] ?? Number.POSITIVE_INFINITY) <= t) {
      const [, sync] = inbox.shift() ?? [0, null];
      if (!sync) break;
      const joining = last === null;
      last = sync;
      if (sync.event || joining) {
        const resting = paused || holdUntil !== null;
        paused = sync.paused;
        holdUntil = null;
        const target = targetPosition(sync, t + offsetError);
        const input = {
          actual: position,
          target,
          hostRate: sync.rate,
          paused: sync.paused,
          now: t,
        };
        startSeek(t, policy.jump(input, { paused: resting }), 'event');
      }
    }

    // Physics of the guest's player for this step.
    const dt = s.stepMs / 1000;
    const stalled = spec.name === s.stall.guest && t >= s.stall.at && t < s.stall.until;
    const forced = spec.name === s.offRate.guest && t >= s.offRate.at && t < s.offRate.until;
    const seek = pendingSeek as Seek | null;
    if (seek && t >= seek.landAt) {
      position = seek.position;
      policy.seekLanded(seek.landAt - seek.startedAt);
      pendingSeek = null;
      restartAt = t + between(s.seekRestartMs);
      if (seek.hold && last) {
        const target = targetPosition(last, t + offsetError);
        const wait = policy.startIn?.(position, target, last.rate) ?? null;
        if (wait !== null) holdUntil = t + wait;
        else {
          const input = { actual: position, target, hostRate: last.rate, paused: false, now: t };
          startSeek(
            t,
            policy.restart?.(input) ?? policy.jump(input, { paused: true }),
            'correction',
          );
        }
      }
    } else if (holdUntil !== null && t >= holdUntil) {
      holdUntil = null;
      policy.started?.(t);
      // play() on a held frame: the picture moves after the same short wait as after a seek
      restartAt = t + between(s.seekRestartMs);
    } else if (!seek && holdUntil === null && !paused && !stalled && t >= restartAt) {
      const effective = forced ? s.offRate.rate : rate;
      position += dt * effective * (1 + spec.driftPpm / 1e6);
    }

    if (last && t >= nextDecision && !pendingSeek && holdUntil === null && !stalled) {
      nextDecision = t + policy.intervalMs;
      const target = targetPosition(last, t + offsetError);
      const noise = rate === last.rate ? 0 : ((rand() * 2 - 1) * s.readNoiseMs) / 1000;
      const c = policy.decide({
        actual: position + noise,
        target,
        hostRate: last.rate,
        paused: last.paused,
        now: t,
      });
      if (c.rate !== rate) result.rateChanges += 1;
      rate = c.rate;
      startSeek(t, c, 'correction');
    }

    if (last && t % 50 === 0) {
      result.trace.push({
        guest: spec.name,
        t,
        error: position - host.position,
        rate: forced ? s.offRate.rate : rate,
        forced,
      });
    }
  }
  return result;
}
