/** The video's share of its own volume while people talk. */
export const DUCKED = 0.3;
/** How long a full duck takes, down and back up (ms): down quickly, back up gently. */
export const DUCK_DOWN_MS = 300;
export const DUCK_UP_MS = 900;

/** The duck factor `dt` ms later, moving from `current` toward `target` at the set pace. */
export function nextFactor(current: number, target: number, dt: number): number {
  const span = 1 - DUCKED;
  if (target < current) return Math.max(target, current - (span * dt) / DUCK_DOWN_MS);
  return Math.min(target, current + (span * dt) / DUCK_UP_MS);
}

/**
 * Lowers a <video>'s volume by a factor while keeping the person's own volume: a change they
 * make meanwhile (their Volume slider) becomes the level the video returns to.
 */
export class VideoDucker {
  #video: HTMLMediaElement | null = null;
  #base = 1;
  /** What we last set, to tell our changes from the person's. */
  #applied: number | null = null;
  #factor = 1;

  apply(video: HTMLMediaElement | null, factor: number): void {
    if (video !== this.#video) {
      this.#restore();
      this.#video = video;
      this.#base = video?.volume ?? 1;
      this.#applied = null;
    }
    if (!video) return;
    if (this.#applied !== null && Math.abs(video.volume - this.#applied) > 0.001) {
      this.#base = this.#factor > 0 ? Math.min(1, video.volume / this.#factor) : video.volume;
    }
    this.#factor = factor;
    if (factor === 1 && this.#applied === null) return;
    video.volume = this.#base * factor;
    this.#applied = factor === 1 ? null : video.volume;
  }

  /** Gives the video its own volume back (nobody speaks, or ducking was turned off). */
  #restore(): void {
    if (this.#video && this.#applied !== null) this.#video.volume = this.#base;
    this.#applied = null;
    this.#factor = 1;
  }
}
