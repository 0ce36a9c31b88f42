/** The parts of a host `sync` that say where playback is. */
export interface PlaybackState {
  paused: boolean;
  /** seconds */
  position: number;
  rate: number;
  /** host clock, ms */
  at: number;
}

/** Where the host's playback is at host time `hostNow` (ms), in seconds. */
export function targetPosition(state: PlaybackState, hostNow: number): number {
  if (state.paused) return state.position;
  return state.position + (Math.max(0, hostNow - state.at) / 1000) * state.rate;
}
