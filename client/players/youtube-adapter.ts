import { type Clock, realClock } from '../util/clock';
import {
  nearestRate,
  type PlayerAdapter,
  PlayerEmitter,
  PlayerError,
  type PlayerEventName,
  type PlayerListener,
  type PlayerSource,
} from './player-adapter';
import { classifyUrl } from './source-url';

/** The documented IFrame Player API calls we use (developers.google.com/youtube/iframe_api_reference). */
export interface YTPlayer {
  cueVideoById(videoId: string, startSeconds?: number): void;
  loadVideoById(videoId: string, startSeconds?: number): void;
  playVideo(): void;
  pauseVideo(): void;
  seekTo(seconds: number, allowSeekAhead: boolean): void;
  getCurrentTime(): number;
  getDuration(): number;
  getPlayerState(): number;
  setPlaybackRate(rate: number): void;
  getPlaybackRate(): number;
  getAvailablePlaybackRates(): number[];
  destroy(): void;
}

export interface YTPlayerOptions {
  videoId: string;
  playerVars: Record<string, string | number>;
  events: {
    onReady(): void;
    onStateChange(event: { data: number }): void;
    onError(event: { data: number }): void;
    onPlaybackRateChange(event: { data: number }): void;
  };
}

export interface YTNamespace {
  Player: new (element: HTMLElement | string, options: YTPlayerOptions) => YTPlayer;
}

/** YT.PlayerState */
export const YT_STATE = {
  unstarted: -1,
  ended: 0,
  playing: 1,
  paused: 2,
  buffering: 3,
  cued: 5,
} as const;

/** What load() and play() wait on: a state, onReady (which has no state of its own) or an error. */
type PlayerNews = number | 'ready' | PlayerError;

const API_URL = 'https://www.youtube.com/iframe_api';
const UNREACHABLE = 'YouTube could not be reached, so this video cannot be shown.';

declare global {
  interface Window {
    YT?: YTNamespace;
    onYouTubeIframeAPIReady?: () => void;
  }
}

/** Where the API comes from: a script tag in the browser, a stand-in in tests. */
export interface YouTubeApiHost {
  /** The API if it is already there. */
  current(): YTNamespace | undefined;
  /** Adds the script; `ready` when the API says so, `failed` when the script cannot load. */
  inject(src: string, ready: () => void, failed: () => void): void;
}

const browserApiHost: YouTubeApiHost = {
  current: () => (window.YT?.Player ? window.YT : undefined),
  inject(src, ready, failed) {
    const previous = window.onYouTubeIframeAPIReady;
    window.onYouTubeIframeAPIReady = () => {
      previous?.();
      ready();
    };
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.onerror = failed;
    document.head.append(script);
  },
};

/**
 * A loader that adds YouTube's API script once per page and waits for it; a blocked or absent
 * network fails after `timeoutMs` with a clear message, and the next call tries again.
 */
export function youtubeApiLoader(
  host: YouTubeApiHost = browserApiHost,
  clock: Clock = realClock,
  timeoutMs = 10_000,
): () => Promise<YTNamespace> {
  let pending: Promise<YTNamespace> | null = null;
  return () => {
    pending ??= new Promise<YTNamespace>((resolve, reject) => {
      const existing = host.current();
      if (existing) {
        resolve(existing);
        return;
      }
      const fail = (): void => {
        cancel();
        pending = null;
        reject(new PlayerError('unreachable', UNREACHABLE));
      };
      const cancel = clock.after(timeoutMs, fail);
      host.inject(
        API_URL,
        () => {
          cancel();
          const api = host.current();
          if (api) resolve(api);
          else fail();
        },
        fail,
      );
    });
    return pending;
  };
}

export const loadYouTubeApi = youtubeApiLoader();

/** Human messages for the IFrame API's onError codes. */
export function youtubeErrorMessage(code: number): PlayerError {
  switch (code) {
    case 2:
      return new PlayerError('invalid', 'This YouTube link does not name a valid video.');
    case 5:
      return new PlayerError('unsupported', 'This video cannot be played in this browser.');
    case 100:
      return new PlayerError('refused', 'This YouTube video does not exist or is private.');
    case 101:
    case 150:
      return new PlayerError(
        'refused',
        'The owner of this YouTube video does not allow it to be played on other sites.',
      );
    default:
      return new PlayerError('unsupported', `YouTube could not play this video (error ${code}).`);
  }
}

export interface YouTubeOptions {
  clock?: Clock;
  loadApi?: () => Promise<YTNamespace>;
  /** The player must report ready, cued, playing or an error by then. */
  loadTimeoutMs?: number;
  /** play() that YouTube does not start by then counts as refused (autoplay policy). */
  playTimeoutMs?: number;
  seekTimeoutMs?: number;
  /** YouTube has no 'seeked' event: a seek is checked this often until it has landed. */
  seekPollMs?: number;
}

/** Within this of the aim (s), a seek counts as landed: YouTube lands on nearby frames. */
const SEEK_LANDED_S = 0.5;

/**
 * YouTube's iframe player. Its playback rates come in steps (0.25, 0.5, …, 2), so the ±5 %
 * nudge cannot happen here: `rates` says so, and the guest engine corrects by seeking only.
 */
export class YouTubeAdapter implements PlayerAdapter {
  readonly #emitter = new PlayerEmitter();
  readonly #clock: Clock;
  readonly #loadApi: () => Promise<YTNamespace>;
  readonly #loadTimeoutMs: number;
  readonly #playTimeoutMs: number;
  readonly #seekTimeoutMs: number;
  readonly #seekPollMs: number;
  #player: YTPlayer | null = null;
  #state: number = YT_STATE.unstarted;
  #playing = false;
  #buffering = false;
  #destroyed = false;
  /** Waiters for the next state change or error (load and play). */
  #waiters = new Set<(news: PlayerNews) => void>();
  #cancelSeek = (): void => {};

  constructor(
    private readonly container: HTMLElement | string,
    options: YouTubeOptions = {},
  ) {
    this.#clock = options.clock ?? realClock;
    this.#loadApi = options.loadApi ?? loadYouTubeApi;
    this.#loadTimeoutMs = options.loadTimeoutMs ?? 15_000;
    this.#playTimeoutMs = options.playTimeoutMs ?? 5_000;
    this.#seekTimeoutMs = options.seekTimeoutMs ?? 10_000;
    this.#seekPollMs = options.seekPollMs ?? 50;
  }

  async load(source: PlayerSource): Promise<void> {
    const parsed = source.kind === 'url' ? classifyUrl(source.url) : null;
    if (parsed?.kind !== 'youtube')
      throw new PlayerError('invalid', 'This is not a YouTube video link.');
    const videoId = parsed.videoId;
    // onReady alone is not enough: an unembeddable video reports its error after it.
    const ready = this.#waitFor(
      (s) =>
        s === YT_STATE.cued || (s === 'ready' && this.#player?.getPlayerState() === YT_STATE.cued),
      this.#loadTimeoutMs,
      () => new PlayerError('unreachable', UNREACHABLE),
    );
    if (this.#player) {
      this.#player.cueVideoById(videoId);
    } else {
      const YT = await this.#loadApi();
      if (this.#destroyed) throw new PlayerError('invalid', 'The player was closed.');
      this.#player = new YT.Player(this.container, {
        videoId,
        // playsinline: no forced fullscreen on phones; rel 0: suggestions from the same channel only.
        playerVars: { playsinline: 1, rel: 0 },
        events: {
          onReady: () => this.#notify('ready'),
          onStateChange: (e) => this.#onState(e.data),
          onError: (e) => this.#onError(e.data),
          onPlaybackRateChange: () => this.#emitter.emit('ratechange', undefined),
        },
      });
    }
    await ready;
    this.#playing = false;
    this.#emitter.emit('ready', undefined);
  }

  async play(): Promise<void> {
    const player = this.#requirePlayer();
    if (this.#playing) return;
    const started = this.#waitFor(
      (s) => s === YT_STATE.playing || s === YT_STATE.buffering,
      this.#playTimeoutMs,
      () => new PlayerError('refused', 'The browser wants you to press play first.'),
    );
    player.playVideo();
    await started;
  }

  pause(): void {
    this.#player?.pauseVideo();
  }

  seek(seconds: number): Promise<void> {
    const player = this.#requirePlayer();
    this.#cancelSeek();
    const aim = Math.max(0, seconds);
    const started = this.#clock.now();
    player.seekTo(aim, true);
    return new Promise((resolve) => {
      const done = (): void => {
        this.#cancelSeek = () => {};
        this.#emitter.emit('seeked', undefined);
        resolve();
      };
      const poll = (): void => {
        const elapsed = (this.#clock.now() - started) / 1000;
        const expected = aim + (this.#playing ? elapsed * player.getPlaybackRate() : 0);
        const landed =
          this.#state !== YT_STATE.buffering &&
          Math.abs(player.getCurrentTime() - expected) < SEEK_LANDED_S;
        if (landed || elapsed * 1000 >= this.#seekTimeoutMs) done();
        else this.#cancelSeek = this.#clock.after(this.#seekPollMs, poll);
      };
      this.#cancelSeek = this.#clock.after(this.#seekPollMs, poll);
    });
  }

  get currentTime(): number {
    return this.#player?.getCurrentTime() ?? 0;
  }

  get duration(): number | null {
    const d = this.#player?.getDuration() ?? 0;
    // 0 until YouTube knows it
    return Number.isFinite(d) && d > 0 ? d : null;
  }

  get paused(): boolean {
    return !this.#playing;
  }

  get playbackRate(): number {
    return this.#player?.getPlaybackRate() ?? 1;
  }

  set playbackRate(rate: number) {
    const player = this.#player;
    if (!player || !Number.isFinite(rate)) return;
    const next = nearestRate(rate, this.rates);
    if (next !== player.getPlaybackRate()) player.setPlaybackRate(next);
  }

  get rates(): readonly number[] {
    const rates = this.#player?.getAvailablePlaybackRates() ?? [];
    return rates.length > 0 ? rates : [1];
  }

  get buffering(): boolean {
    return this.#buffering;
  }

  on<K extends PlayerEventName>(type: K, listener: PlayerListener<K>): () => void {
    return this.#emitter.on(type, listener);
  }

  destroy(): void {
    this.#destroyed = true;
    this.#cancelSeek();
    this.#player?.destroy();
    this.#player = null;
    this.#emitter.clear();
  }

  #requirePlayer(): YTPlayer {
    if (!this.#player) throw new PlayerError('invalid', 'No YouTube video is loaded.');
    return this.#player;
  }

  #onState(state: number): void {
    const wasPlaying = this.#playing;
    this.#state = state;
    if (state === YT_STATE.buffering) {
      if (!this.#buffering) {
        this.#buffering = true;
        this.#emitter.emit('waiting', undefined);
      }
    } else {
      this.#buffering = false;
    }
    if (state === YT_STATE.playing) {
      this.#playing = true;
      if (!wasPlaying) this.#emitter.emit('play', undefined);
      this.#emitter.emit('playing', undefined);
    } else if (state !== YT_STATE.buffering) {
      this.#playing = false;
      if (state === YT_STATE.paused && wasPlaying) this.#emitter.emit('pause', undefined);
      if (state === YT_STATE.ended) this.#emitter.emit('ended', undefined);
    }
    this.#notify(state);
  }

  #onError(code: number): void {
    const error = youtubeErrorMessage(code);
    if (this.#waiters.size > 0) this.#notify(error);
    else this.#emitter.emit('error', error);
  }

  #notify(news: PlayerNews): void {
    for (const waiter of [...this.#waiters]) waiter(news);
  }

  /** Resolves when a state matching `match` comes, rejects on a player error or the timeout. */
  #waitFor(
    match: (state: number | 'ready') => boolean,
    timeoutMs: number,
    timeoutError: () => PlayerError,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const finish = (error: PlayerError | null): void => {
        cancel();
        this.#waiters.delete(waiter);
        if (error) reject(error);
        else resolve();
      };
      const waiter = (news: PlayerNews): void => {
        if (news instanceof PlayerError) finish(news);
        else if (match(news)) finish(null);
      };
      const cancel = this.#clock.after(timeoutMs, () => finish(timeoutError()));
      this.#waiters.add(waiter);
    });
  }
}
