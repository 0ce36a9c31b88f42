import {
  PLAYER_EVENTS,
  type PlayerAdapter,
  PlayerEmitter,
  PlayerError,
  type PlayerEventName,
  type PlayerListener,
  type PlayerSource,
} from './player-adapter';

/** Makes the real player in its container, once its chunk has arrived (tests hand in a stand-in). */
export type OpenPlayer<C> = () => Promise<(container: C) => PlayerAdapter>;

/**
 * A player whose code is fetched only when a source is first loaded into it, so the room's code
 * does not carry it (YouTube's adapter, the <video> adapter; hls.js is fetched the same way).
 * Callers get a `PlayerAdapter` at once, as from any other player: until `load()` has fetched the
 * real adapter it is an empty, paused player; from then on every call and event goes to the real
 * one. A chunk that cannot be fetched fails `load()` with a sentence naming `what`; the next
 * `load()` fetches again.
 */
export class LazyPlayer<C> implements PlayerAdapter {
  readonly #emitter = new PlayerEmitter();
  #inner: PlayerAdapter | null = null;
  #destroyed = false;

  constructor(
    private readonly container: C,
    private readonly open: OpenPlayer<C>,
    /** What people are told could not be loaded, e.g. "YouTube player". */
    private readonly what: string,
  ) {}

  async load(source: PlayerSource): Promise<void> {
    if (!this.#inner) {
      let make: (container: C) => PlayerAdapter;
      try {
        make = await this.open();
      } catch {
        throw new PlayerError(
          'unreachable',
          `The ${this.what} could not be loaded. Check your connection and try again.`,
        );
      }
      if (this.#destroyed) throw new PlayerError('invalid', 'The player was closed.');
      const inner = make(this.container);
      for (const name of PLAYER_EVENTS) {
        inner.on(name, (detail) => this.#emitter.emit(name, detail as never));
      }
      this.#inner = inner;
    }
    return this.#inner.load(source);
  }

  /** As the adapter itself before its load: nothing to play or seek yet. */
  #require(): PlayerAdapter {
    if (!this.#inner) throw new PlayerError('invalid', 'No video is loaded.');
    return this.#inner;
  }

  async play(): Promise<void> {
    return this.#require().play();
  }

  pause(): void {
    this.#inner?.pause();
  }

  seek(seconds: number): Promise<void> {
    return this.#require().seek(seconds);
  }

  get currentTime(): number {
    return this.#inner?.currentTime ?? 0;
  }

  get duration(): number | null {
    return this.#inner ? this.#inner.duration : null;
  }

  get paused(): boolean {
    return this.#inner?.paused ?? true;
  }

  get playbackRate(): number {
    return this.#inner?.playbackRate ?? 1;
  }

  /** Before the load there is no player to set it on (the adapter itself ignores it too). */
  set playbackRate(rate: number) {
    if (this.#inner) this.#inner.playbackRate = rate;
  }

  get rates(): readonly number[] | null {
    return this.#inner ? this.#inner.rates : [1];
  }

  get buffering(): boolean {
    return this.#inner?.buffering ?? false;
  }

  on<K extends PlayerEventName>(type: K, listener: PlayerListener<K>): () => void {
    return this.#emitter.on(type, listener);
  }

  destroy(): void {
    this.#destroyed = true;
    this.#inner?.destroy();
    this.#emitter.clear();
  }
}
