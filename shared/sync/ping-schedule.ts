export interface PingSchedule {
  /** pings sent quickly after a link opens, so a late joiner has a good offset at once */
  burst: number;
  burstGapMs: number;
  /** then one per period, which also keeps the window of samples fresh */
  periodMs: number;
}

/** Five pings 100 ms apart fill the estimator's window with a short round trip within half a second. */
export const DEFAULT_PING_SCHEDULE: PingSchedule = { burst: 5, burstGapMs: 100, periodMs: 3000 };

/** How long to wait before the next ping, given how many went out on this link already (ms). */
export function nextPingDelay(
  sent: number,
  schedule: PingSchedule = DEFAULT_PING_SCHEDULE,
): number {
  return sent < schedule.burst ? schedule.burstGapMs : schedule.periodMs;
}
