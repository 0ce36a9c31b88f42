/**
 * What a player is asked to show: a URL everyone loads, this person's own copy of a file, or the
 * host's file shared over the mesh at a same-origin URL the page's file worker answers.
 */
export type PlayerSource =
  | { kind: 'url'; url: string }
  | { kind: 'file'; file: Blob }
  | { kind: 'shared'; url: string };

/**
 * Why a player failed, for people: `message` is a sentence the UI shows as is.
 * unsupported: this browser cannot play it; network: it could not be fetched; unreachable: the
 * player itself (YouTube's API) did not load; refused: the video exists but may not be shown here.
 */
export type PlayerErrorCode = 'unsupported' | 'network' | 'unreachable' | 'refused' | 'invalid';

export class PlayerError extends Error {
  constructor(
    readonly code: PlayerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PlayerError';
  }
}

export interface PlayerEvents {
  /** A source loaded far enough to know its duration and to seek. */
  ready: undefined;
  play: undefined;
  pause: undefined;
  seeked: undefined;
  ratechange: undefined;
  /** Playback wants to go on but has no data (waiting or stalled). */
  waiting: undefined;
  /** Data came back, or playback started. */
  playing: undefined;
  ended: undefined;
  error: PlayerError;
}

export type PlayerEventName = keyof PlayerEvents;

/** Every event a player emits, for code that passes them all on. */
export const PLAYER_EVENTS: readonly PlayerEventName[] = [
  'ready',
  'play',
  'pause',
  'seeked',
  'ratechange',
  'waiting',
  'playing',
  'ended',
  'error',
];
export type PlayerListener<K extends PlayerEventName> = (detail: PlayerEvents[K]) => void;

/**
 * One kind of player (a <video>, YouTube's iframe) behind the calls the sync engines need, so
 * they never depend on which kind it is. Times are seconds.
 */
export interface PlayerAdapter {
  /** Resolves once the source is ready; rejects with a PlayerError. */
  load(source: PlayerSource): Promise<void>;
  /** Rejects when the browser refuses to start (autoplay without a gesture). */
  play(): Promise<void>;
  pause(): void;
  /** Resolves when the player has landed at (about) `seconds` and can show it. */
  seek(seconds: number): Promise<void>;
  readonly currentTime: number;
  /** null until known, or for a live stream */
  readonly duration: number | null;
  readonly paused: boolean;
  /** Set rates are rounded to what the player supports (see `rates`). */
  playbackRate: number;
  /** The rates the player can play, or null when any rate from RATE_MIN to RATE_MAX works. */
  readonly rates: readonly number[] | null;
  /** Playback wants to go on but waits for data. */
  readonly buffering: boolean;
  on<K extends PlayerEventName>(type: K, listener: PlayerListener<K>): () => void;
  destroy(): void;
}

type ListenerSets = { [K in PlayerEventName]?: Set<PlayerListener<K>> };

/** The listener bookkeeping every adapter shares. */
export class PlayerEmitter {
  #listeners: ListenerSets = {};

  on<K extends PlayerEventName>(type: K, listener: PlayerListener<K>): () => void {
    const set: Set<PlayerListener<K>> = this.#listeners[type] ?? new Set();
    this.#listeners[type] = set as ListenerSets[K];
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends PlayerEventName>(type: K, detail: PlayerEvents[K]): void {
    const set: Set<PlayerListener<K>> | undefined = this.#listeners[type];
    // A copy, so a listener that unsubscribes (or subscribes) while called changes nothing now.
    for (const listener of [...(set ?? [])]) listener(detail);
  }

  clear(): void {
    this.#listeners = {};
  }
}

/** The nearest rate a player supports; `rates` null means any rate works. */
export function nearestRate(rate: number, rates: readonly number[] | null): number {
  if (!rates || rates.length === 0) return rate;
  let best = rates[0] ?? rate;
  for (const r of rates) if (Math.abs(r - rate) < Math.abs(best - rate)) best = r;
  return best;
}
