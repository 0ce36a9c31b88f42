/**
 * The design's now(), in ms since the epoch: monotonic within a page, and comparable across
 * browsers once the clock offset to the host is added.
 */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Time and timers, injected so the engines and adapters run on a fake clock in tests. */
export interface Clock {
  /** ms, as now() */
  now(): number;
  /** Calls `fn` once after `ms`; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const realClock: Clock = {
  now,
  after: (ms, fn) => {
    const id = setTimeout(fn, ms);
    return () => clearTimeout(id);
  },
};

/** Calls `fn` every `ms` until the returned function is called. */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
  let cancel = (): void => {};
  let stopped = false;
  const schedule = (): void => {
    cancel = clock.after(ms, () => {
      if (stopped) return;
      schedule();
      fn();
    });
  };
  schedule();
  return () => {
    stopped = true;
    cancel();
  };
}
