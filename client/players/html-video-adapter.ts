import { clampRate } from '../../shared/peer-messages';
import { type Clock, realClock } from '../util/clock';
import {
  type PlayerAdapter,
  PlayerEmitter,
  PlayerError,
  type PlayerEventName,
  type PlayerListener,
  type PlayerSource,
} from './player-adapter';
import { classifyUrl } from './source-url';

/** The part of HTMLVideoElement the adapter uses, so tests can hand it a fake. */
export interface VideoElementLike extends EventTarget {
  src: string;
  currentTime: number;
  readonly duration: number;
  readonly paused: boolean;
  readonly readyState: number;
  playbackRate: number;
  readonly error: { readonly code: number } | null;
  play(): Promise<void>;
  pause(): void;
  load(): void;
  removeAttribute(name: string): void;
  canPlayType(type: string): string;
}

/** hls.js attached to one element; `fatal` reports an error hls.js gave up on. */
export type HlsStart = (
  video: VideoElementLike,
  url: string,
  fatal: (kind: 'network' | 'media') => void,
) => { destroy(): void };

/** Loads hls.js on first use only (its own chunk: the first page load stays small); null when this browser has no MSE. */
export async function loadHlsJs(): Promise<HlsStart | null> {
  const { default: Hls } = await import('hls.js/light');
  if (!Hls.isSupported()) return null;
  return (video, url, fatal) => {
    if (!(video instanceof HTMLMediaElement)) throw new TypeError('hls.js needs a media element');
    const hls = new Hls();
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (data.fatal) fatal(data.type === Hls.ErrorTypes.NETWORK_ERROR ? 'network' : 'media');
    });
    hls.loadSource(url);
    hls.attachMedia(video);
    return hls;
  };
}

export interface HtmlVideoOptions {
  clock?: Clock;
  loadHls?: () => Promise<HlsStart | null>;
  /** A source that has not loaded its metadata by then counts as unreachable. */
  loadTimeoutMs?: number;
  /** A seek that never reports `seeked` is given up on after this. */
  seekTimeoutMs?: number;
}

const HLS_MIME = 'application/vnd.apple.mpegurl';
const HAVE_FUTURE_DATA = 3;
const MEDIA_ERR_NETWORK = 2;
const MEDIA_ERR_DECODE = 3;

const CANNOT_PLAY = 'This video cannot be played in this browser.';
const URL_FAILED = 'The video URL could not be loaded.';

/** A <video> playing a direct URL (MP4, WebM), an HLS playlist, or this person's own file. */
export class HtmlVideoAdapter implements PlayerAdapter {
  readonly rates = null;
  readonly #emitter = new PlayerEmitter();
  readonly #clock: Clock;
  readonly #loadHls: () => Promise<HlsStart | null>;
  readonly #loadTimeoutMs: number;
  readonly #seekTimeoutMs: number;
  readonly #detach: Array<() => void> = [];
  #buffering = false;
  #hls: { destroy(): void } | null = null;
  #objectUrl: string | null = null;
  #isUrl = false;
  /** Bumped per load, so a superseded load's events settle nothing. */
  #generation = 0;
  #loaded = false;
  #failLoad: (generation: number, error: PlayerError) => void = () => {};

  constructor(
    private readonly video: VideoElementLike,
    options: HtmlVideoOptions = {},
  ) {
    this.#clock = options.clock ?? realClock;
    this.#loadHls = options.loadHls ?? loadHlsJs;
    this.#loadTimeoutMs = options.loadTimeoutMs ?? 20_000;
    this.#seekTimeoutMs = options.seekTimeoutMs ?? 10_000;
    for (const type of ['play', 'pause', 'seeked', 'ratechange', 'ended'] as const)
      this.#listen(type, () => this.#emitter.emit(type, undefined));
    this.#listen('waiting', () => this.#setBuffering(true));
    // 'stalled' also fires while enough is buffered to go on; only a starved player buffers.
    this.#listen('stalled', () => {
      if (!this.video.paused && this.video.readyState < HAVE_FUTURE_DATA) this.#setBuffering(true);
    });
    this.#listen('playing', () => {
      this.#buffering = false;
      this.#emitter.emit('playing', undefined);
    });
    this.#listen('canplay', () => this.#setBuffering(false));
    this.#listen('pause', () => this.#setBuffering(false));
    this.#listen('error', () => {
      // Errors while loading reject load(); later ones are reported as events.
      if (this.#loaded) this.#emitter.emit('error', this.#mediaError());
    });
  }

  async load(source: PlayerSource): Promise<void> {
    this.#unload();
    const generation = ++this.#generation;
    let url: string;
    let hls = false;
    if (source.kind === 'file') {
      url = URL.createObjectURL(source.file);
      this.#objectUrl = url;
      this.#isUrl = false;
    } else if (source.kind === 'shared') {
      url = source.url;
      this.#isUrl = false;
    } else {
      const kind = classifyUrl(source.url);
      if (kind.kind === 'invalid') throw new PlayerError('invalid', kind.message);
      if (kind.kind === 'youtube')
        throw new PlayerError('invalid', 'YouTube links open in the YouTube player.');
      url = kind.url;
      hls = kind.kind === 'hls' && this.video.canPlayType(HLS_MIME) === '';
      this.#isUrl = true;
    }
    const ready = this.#whenReady(generation);
    if (hls) {
      const start = await this.#loadHls().catch(() => {
        throw new PlayerError('unreachable', 'The HLS player could not be loaded.');
      });
      if (generation !== this.#generation)
        throw new PlayerError('invalid', 'Another video was loaded.');
      if (!start) throw new PlayerError('unsupported', 'This browser cannot play HLS streams.');
      this.#hls = start(this.video, url, (kind) => {
        const error =
          kind === 'network'
            ? new PlayerError('network', URL_FAILED)
            : new PlayerError('unsupported', CANNOT_PLAY);
        this.#fail(generation, error);
      });
    } else {
      this.video.src = url;
    }
    await ready;
    this.#loaded = true;
    this.#emitter.emit('ready', undefined);
  }

  async play(): Promise<void> {
    try {
      await this.video.play();
    } catch (err) {
      // Interrupted by a pause() (the sync engine, or the host pausing at once): not a failure.
      if (err instanceof Error && err.name === 'AbortError') return;
      if (err instanceof Error && err.name === 'NotAllowedError')
        throw new PlayerError('refused', 'The browser wants you to press play first.');
      throw new PlayerError('unsupported', CANNOT_PLAY);
    }
  }

  pause(): void {
    this.video.pause();
  }

  seek(seconds: number): Promise<void> {
    return new Promise((resolve) => {
      let cancel = (): void => {};
      const off = this.#listenOnce('seeked', () => {
        cancel();
        resolve();
      });
      cancel = this.#clock.after(this.#seekTimeoutMs, () => {
        off();
        resolve();
      });
      this.video.currentTime = Math.max(0, seconds);
    });
  }

  get currentTime(): number {
    return this.video.currentTime;
  }

  get duration(): number | null {
    const d = this.video.duration;
    return Number.isFinite(d) && d >= 0 ? d : null;
  }

  get paused(): boolean {
    return this.video.paused;
  }

  get playbackRate(): number {
    return this.video.playbackRate;
  }

  set playbackRate(rate: number) {
    if (!Number.isFinite(rate)) return;
    this.video.playbackRate = clampRate(rate);
  }

  /** Starved while playing, or paused without enough data to start: a guest that waits is not ready. */
  get buffering(): boolean {
    return this.#buffering || (this.#loaded && this.video.readyState < HAVE_FUTURE_DATA);
  }

  on<K extends PlayerEventName>(type: K, listener: PlayerListener<K>): () => void {
    return this.#emitter.on(type, listener);
  }

  destroy(): void {
    this.#generation += 1;
    for (const off of this.#detach.splice(0)) off();
    this.#unload();
    this.#emitter.clear();
  }

  /** Resolves on loadedmetadata; rejects on an error event, hls.js' fatal error or a timeout. */
  #whenReady(generation: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const offs: Array<() => void> = [];
      const settle = (error: PlayerError | null): void => {
        for (const off of offs) off();
        if (error) reject(error);
        else resolve();
      };
      const check = (fn: () => void) => () => {
        if (generation === this.#generation) fn();
      };
      offs.push(
        this.#listenOnce(
          'loadedmetadata',
          check(() => settle(null)),
        ),
        this.#listenOnce(
          'error',
          check(() => settle(this.#mediaError())),
        ),
        this.#clock.after(this.#loadTimeoutMs, () =>
          settle(
            new PlayerError(
              'network',
              this.#isUrl ? `${URL_FAILED} It did not answer in time.` : CANNOT_PLAY,
            ),
          ),
        ),
      );
      this.#failLoad = (g, error) => {
        if (g === generation) settle(error);
      };
    });
  }

  /** hls.js' fatal errors: they reject the load under way, or are reported once playing. */
  #fail(generation: number, error: PlayerError): void {
    if (generation !== this.#generation) return;
    if (this.#loaded) this.#emitter.emit('error', error);
    else this.#failLoad(generation, error);
  }

  #mediaError(): PlayerError {
    const code = this.video.error?.code;
    if (code === MEDIA_ERR_NETWORK) return new PlayerError('network', URL_FAILED);
    if (code === MEDIA_ERR_DECODE || !this.#isUrl)
      return new PlayerError('unsupported', CANNOT_PLAY);
    // Chromium reports a missing URL (404, CORS, DNS) and an unplayable format alike.
    return new PlayerError(
      'unsupported',
      `${URL_FAILED} Or it is not a video this browser can play.`,
    );
  }

  #setBuffering(buffering: boolean): void {
    if (this.#buffering === buffering) return;
    this.#buffering = buffering;
    if (buffering) this.#emitter.emit('waiting', undefined);
  }

  #unload(): void {
    this.#loaded = false;
    this.#buffering = false;
    this.#hls?.destroy();
    this.#hls = null;
    if (this.#objectUrl) URL.revokeObjectURL(this.#objectUrl);
    this.#objectUrl = null;
    if (this.video.src) {
      this.video.removeAttribute('src');
      this.video.load();
    }
  }

  #listen(type: string, fn: () => void): void {
    this.video.addEventListener(type, fn);
    this.#detach.push(() => this.video.removeEventListener(type, fn));
  }

  #listenOnce(type: string, fn: () => void): () => void {
    const handler = (): void => fn();
    this.video.addEventListener(type, handler, { once: true });
    return () => this.video.removeEventListener(type, handler);
  }
}
