import {
  YT_STATE,
  type YTNamespace,
  type YTPlayer,
  type YTPlayerOptions,
} from '../players/youtube-adapter';
import type { FakeClock } from './fake-clock';

export interface FakeYouTubeOptions {
  readyMs?: number;
  /** from play or a seek while playing to 'playing', ms (YouTube buffers in between) */
  bufferMs?: number;
  /** from seekTo to the new position while paused, ms */
  seekMs?: number;
  duration?: number;
  /** onError code for a video ID, as YouTube reports private or unembeddable videos */
  errors?: Record<string, number>;
  /** playVideo() does nothing, as in a browser that refuses autoplay */
  autoplayBlocked?: boolean;
}

const RATES = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];

/**
 * A stand-in for YouTube's IFrame Player API (YT.Player), which these machines cannot reach:
 * the documented methods, onReady/onStateChange/onError/onPlaybackRateChange, its state numbers
 * and its habits (no 'seeked' event, buffering state during seeks, rates in 0.25 steps).
 */
export class FakeYouTubePlayer implements YTPlayer {
  state: number = YT_STATE.unstarted;
  videoId: string;
  destroyed = false;
  #rate = 1;
  #base = 0;
  #baseAt: number;
  #ready = false;

  constructor(
    private readonly clock: FakeClock,
    private readonly options: YTPlayerOptions,
    private readonly fake: FakeYouTubeOptions,
  ) {
    this.videoId = options.videoId;
    this.#baseAt = clock.now();
    clock.after(fake.readyMs ?? 100, () => {
      this.#ready = true;
      this.options.events.onReady();
      this.#cue(this.videoId, 0);
    });
  }

  cueVideoById(videoId: string): void {
    this.#cue(videoId, 30);
  }

  loadVideoById(videoId: string): void {
    this.#cue(videoId, 30);
    this.clock.after(31, () => this.playVideo());
  }

  playVideo(): void {
    if (this.fake.autoplayBlocked || this.state === YT_STATE.playing) return;
    this.#rebase(this.getCurrentTime());
    this.#setState(YT_STATE.buffering);
    this.clock.after(this.fake.bufferMs ?? 50, () => {
      if (this.state !== YT_STATE.buffering) return;
      this.#rebase(this.#base);
      this.#setState(YT_STATE.playing);
    });
  }

  pauseVideo(): void {
    this.#rebase(this.getCurrentTime());
    this.#setState(YT_STATE.paused);
  }

  seekTo(seconds: number): void {
    const playing = this.state === YT_STATE.playing || this.state === YT_STATE.buffering;
    if (playing) {
      this.#rebase(seconds);
      this.#setState(YT_STATE.buffering);
      this.clock.after(this.fake.bufferMs ?? 50, () => {
        this.#rebase(this.#base);
        this.#setState(YT_STATE.playing);
      });
    } else {
      this.clock.after(this.fake.seekMs ?? 40, () => this.#rebase(seconds));
    }
  }

  getCurrentTime(): number {
    if (this.state !== YT_STATE.playing) return this.#base;
    return this.#base + ((this.clock.now() - this.#baseAt) / 1000) * this.#rate;
  }

  getDuration(): number {
    return this.#ready ? (this.fake.duration ?? 300) : 0;
  }

  getPlayerState(): number {
    return this.state;
  }

  setPlaybackRate(rate: number): void {
    if (!RATES.includes(rate)) return;
    this.#rebase(this.getCurrentTime());
    this.#rate = rate;
    this.options.events.onPlaybackRateChange({ data: rate });
  }

  getPlaybackRate(): number {
    return this.#rate;
  }

  getAvailablePlaybackRates(): number[] {
    return [...RATES];
  }

  destroy(): void {
    this.destroyed = true;
  }

  /** The network starves playback for `ms`. */
  stall(ms: number): void {
    this.#rebase(this.getCurrentTime());
    this.#setState(YT_STATE.buffering);
    this.clock.after(ms, () => {
      this.#rebase(this.#base);
      this.#setState(YT_STATE.playing);
    });
  }

  #cue(videoId: string, ms: number): void {
    this.videoId = videoId;
    if (this.#ready) this.#setState(YT_STATE.unstarted);
    this.clock.after(ms, () => {
      const error = this.fake.errors?.[videoId];
      if (error !== undefined) {
        this.options.events.onError({ data: error });
        return;
      }
      this.#rebase(0);
      this.#setState(YT_STATE.cued);
    });
  }

  #rebase(position: number): void {
    this.#base = position;
    this.#baseAt = this.clock.now();
  }

  #setState(state: number): void {
    if (this.state === state) return;
    this.state = state;
    this.options.events.onStateChange({ data: state });
  }
}

/** window.YT as the stand-in; `players` lists every player made through it. */
export function fakeYouTubeApi(
  clock: FakeClock,
  fake: FakeYouTubeOptions = {},
): { YT: YTNamespace; players: FakeYouTubePlayer[] } {
  const players: FakeYouTubePlayer[] = [];
  class Player extends FakeYouTubePlayer {
    constructor(_element: HTMLElement | string, options: YTPlayerOptions) {
      super(clock, options, fake);
      players.push(this);
    }
  }
  return { YT: { Player }, players };
}
