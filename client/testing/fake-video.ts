import type { VideoElementLike } from '../players/html-video-adapter';
import type { FakeClock } from './fake-clock';

export interface FakeVideoOptions {
  /** time from src to loadedmetadata (or error), ms */
  metadataMs?: number;
  /** time from setting currentTime to seeked, ms; time stands still meanwhile */
  seekMs?: number;
  duration?: number;
  /** after play() the picture stands this long before it moves, ms (Chromium: ~80) */
  startMs?: number;
  /** the media clock's drift against wall time, e.g. 1e-4 for +100 ppm */
  drift?: number;
  /** MediaError code the next source fails with */
  failWith?: number;
  nativeHls?: boolean;
  /** play() rejects as a browser does without a user gesture */
  autoplayBlocked?: boolean;
}

/**
 * A <video> for tests in Node: positions follow a FakeClock, seeks take `seekMs`, and it fires
 * the events a browser's element does in the same order (loadedmetadata, play/playing, pause,
 * seeking/seeked, ratechange, waiting, error).
 */
export class FakeVideo extends EventTarget implements VideoElementLike {
  duration = Number.NaN;
  paused = true;
  readyState = 0;
  error: { code: number } | null = null;
  seeks = 0;
  #src = '';
  #rate = 1;
  #base = 0;
  #baseAt: number;
  #seeking = false;
  #starved = false;
  /** when the current stall ends (a seek lands no earlier: it needs the data) */
  #starvedUntil = Number.NEGATIVE_INFINITY;
  #cancelSeek = (): void => {};

  constructor(
    private readonly clock: FakeClock,
    readonly options: FakeVideoOptions = {},
  ) {
    super();
    this.#baseAt = clock.now();
  }

  get src(): string {
    return this.#src;
  }

  set src(url: string) {
    this.#src = url;
    this.readyState = 0;
    this.#rebase(0);
    this.clock.after(this.options.metadataMs ?? 30, () => {
      if (this.#src !== url) return;
      if (this.options.failWith !== undefined) {
        this.error = { code: this.options.failWith };
        this.#fire('error');
        return;
      }
      this.duration = this.options.duration ?? 600;
      this.readyState = 4;
      this.#fire('loadedmetadata');
      this.#fire('canplay');
    });
  }

  get currentTime(): number {
    if (this.paused || this.#seeking || this.#starved) return this.#base;
    const elapsed = Math.max(0, this.clock.now() - this.#baseAt) / 1000;
    return this.#base + elapsed * this.#rate * (1 + (this.options.drift ?? 0));
  }

  set currentTime(seconds: number) {
    this.#cancelSeek();
    this.#rebase(seconds);
    this.#seeking = true;
    this.seeks += 1;
    this.#fire('seeking');
    const wait = Math.max(this.options.seekMs ?? 80, this.#starvedUntil - this.clock.now());
    this.#cancelSeek = this.clock.after(wait, () => {
      this.#seeking = false;
      this.#rebase(seconds);
      this.#fire('seeked');
    });
  }

  get playbackRate(): number {
    return this.#rate;
  }

  set playbackRate(rate: number) {
    this.#rebase(this.currentTime);
    this.#rate = rate;
    this.#fire('ratechange');
  }

  play(): Promise<void> {
    if (this.options.autoplayBlocked) {
      return Promise.reject(new DOMException('play() needs a gesture', 'NotAllowedError'));
    }
    if (this.paused) {
      this.#rebase(this.currentTime);
      this.#baseAt += this.options.startMs ?? 0;
      this.paused = false;
      this.#fire('play');
      this.#fire('playing');
    }
    return Promise.resolve();
  }

  pause(): void {
    if (this.paused) return;
    this.#rebase(this.currentTime);
    this.paused = true;
    this.#fire('pause');
  }

  /** The network starves playback for `ms`. */
  stall(ms: number): void {
    this.#rebase(this.currentTime);
    this.#starved = true;
    this.#starvedUntil = this.clock.now() + ms;
    this.readyState = 2;
    this.#fire('waiting');
    this.clock.after(ms, () => {
      this.#rebase(this.currentTime);
      this.#starved = false;
      this.readyState = 4;
      this.#fire('canplay');
      if (!this.paused) this.#fire('playing');
    });
  }

  load(): void {
    this.readyState = 0;
    this.duration = Number.NaN;
    this.error = null;
  }

  removeAttribute(name: string): void {
    if (name === 'src') this.#src = '';
  }

  canPlayType(type: string): string {
    return type === 'application/vnd.apple.mpegurl' && this.options.nativeHls ? 'maybe' : '';
  }

  #rebase(position: number): void {
    this.#base = position;
    this.#baseAt = this.clock.now();
  }

  #fire(type: string): void {
    this.dispatchEvent(new Event(type));
  }
}
