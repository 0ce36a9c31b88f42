/** One ping/pong exchange: t0 and t2 on our clock, t1 on the remote clock, all in ms. */
export interface ClockSample {
  t0: number;
  t1: number;
  t2: number;
}

export interface ClockEstimate {
  /** remote clock minus local clock, ms */
  offset: number;
  /** round trip of the sample the offset came from, ms */
  rtt: number;
  /** when that sample's pong arrived, on the local clock (ms), to say how fresh the estimate is */
  at: number;
}

/**
 * Estimates a remote clock's offset as NTP does for one exchange, offset = t1 - (t0 + t2) / 2,
 * keeping the sample with the smallest round trip among the most recent ones: queueing delay
 * only ever adds to a round trip, so the shortest one is the least skewed.
 */
export class ClockOffsetEstimator {
  readonly #window: ClockSample[] = [];

  constructor(private readonly windowSize = 16) {}

  add(sample: ClockSample): void {
    const rtt = sample.t2 - sample.t0;
    if (!Number.isFinite(rtt) || rtt < 0 || !Number.isFinite(sample.t1)) return;
    this.#window.push(sample);
    if (this.#window.length > this.windowSize) this.#window.shift();
  }

  get sampleCount(): number {
    return this.#window.length;
  }

  estimate(): ClockEstimate | null {
    let best: ClockSample | undefined;
    for (const s of this.#window) {
      if (!best || s.t2 - s.t0 < best.t2 - best.t0) best = s;
    }
    if (!best) return null;
    return { offset: best.t1 - (best.t0 + best.t2) / 2, rtt: best.t2 - best.t0, at: best.t2 };
  }
}
