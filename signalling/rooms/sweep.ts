import type { Logger } from '../log';

/** Rooms handled per sweep at most; the next sweep takes the rest. */
export const SWEEP_BATCH = 100;

/**
 * One pass over the rooms a store lists as due: each is handled on its own, so one failure
 * neither stops the pass nor hides the rest. Resolves with how many `handle` acted on.
 */
export async function sweepRooms(
  due: Promise<string[]>,
  handle: (roomId: string) => Promise<boolean>,
  log: Logger,
  failure: string,
): Promise<number> {
  let done = 0;
  for (const roomId of await due) {
    try {
      if (await handle(roomId)) done += 1;
    } catch (err) {
      log.error({ err, roomId }, failure);
    }
  }
  return done;
}

/** Runs `sweep` now and every `everyMs` until stopped, one at a time. */
export function repeatSweep(
  sweep: () => Promise<number>,
  everyMs: number,
  log: Logger,
  failure: string,
): { stop(): Promise<void> } {
  const tick = () =>
    sweep().then(
      () => undefined,
      (err: unknown) => log.error({ err }, failure),
    );
  // One at a time: a slow sweep (a busy Redis) is not joined by the next.
  let running: Promise<void> | null = null;
  const run = (): void => {
    running ??= tick().finally(() => {
      running = null;
    });
  };
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
