/**
 * Probes installed into every page with context.addInitScript (so the function must be
 * self-contained). Times are epoch ms from performance.timeOrigin + performance.now(), the
 * machine's one clock, which every page of the one Chromium reads alike.
 */

/** [time, currentTime (s), paused 0/1, seeking 0/1] */
export type PositionSample = [number, number, number, number];
/** [expectedDisplayTime, mediaTime (s)] of a presented frame (requestVideoFrameCallback) */
export type FrameSample = [number, number];
/** [time, from (s), to (s)]: the page set currentTime (a seek) */
export type SeekRecord = [number, number, number];
/** [time, rate]: the page set playbackRate (as the page asked, before any forced factor) */
export type RateRecord = [number, number];
/**
 * [time, ms]: the host clock offset the page's player is given (lc-player's `clockOffset`),
 * recorded when it changes. Every page reads the machine's one clock, so the true offset is 0
 * and this is the estimate's error.
 */
export type OffsetRecord = [number, number];

export interface Drained {
  positions: PositionSample[];
  frames: FrameSample[];
  seeks: SeekRecord[];
  rates: RateRecord[];
  /** [time, type] of the shown video's media events that tell about data and seeks */
  events: Array<[number, string]>;
  offsets: OffsetRecord[];
}

export interface SyncProbes {
  /** Samples the shown URL player's position every `everyMs` and every presented frame (once). */
  start(everyMs: number): void;
  /** Multiplies every rate the page sets by `factor` from now on, hiding it from the page. */
  forceRate(factor: number): void;
  /** Returns what was recorded since the last call and forgets it. */
  drain(): Drained;
}

declare global {
  interface Window {
    lcSync: SyncProbes;
  }
}

export function installSyncProbes(): void {
  const now = () => performance.timeOrigin + performance.now();
  let log: Drained = { positions: [], frames: [], seeks: [], rates: [], events: [], offsets: [] };
  let factor = 1;

  // Seeks and rates are recorded where the page sets them, whichever element it uses.
  const proto = HTMLMediaElement.prototype;
  const rate = Object.getOwnPropertyDescriptor(proto, 'playbackRate');
  const time = Object.getOwnPropertyDescriptor(proto, 'currentTime');
  if (!rate?.get || !rate.set || !time?.get || !time.set) throw new Error('no media descriptors');
  const getRate = rate.get;
  const setRate = rate.set;
  const getTime = time.get;
  const setTime = time.set;
  Object.defineProperty(proto, 'playbackRate', {
    configurable: true,
    get(this: HTMLMediaElement) {
      return getRate.call(this) / factor;
    },
    set(this: HTMLMediaElement, value: number) {
      log.rates.push([now(), value]);
      setRate.call(this, value * factor);
    },
  });
  Object.defineProperty(proto, 'currentTime', {
    configurable: true,
    get: getTime,
    set(this: HTMLMediaElement, value: number) {
      log.seeks.push([now(), getTime.call(this), value]);
      setTime.call(this, value);
    },
  });

  // The URL player: a <video> labelled "Video player" that is not hidden, in some shadow root.
  const find = (root: Document | ShadowRoot): HTMLVideoElement | null => {
    for (const v of Array.from(root.querySelectorAll('video[aria-label="Video player"]')))
      if (v instanceof HTMLVideoElement && !v.hidden) return v;
    for (const el of Array.from(root.querySelectorAll('*'))) {
      const found = el.shadowRoot ? find(el.shadowRoot) : null;
      if (found) return found;
    }
    return null;
  };
  const EVENTS = ['waiting', 'canplay', 'playing', 'seeking', 'seeked', 'pause', 'play', 'error'];
  let shown: HTMLVideoElement | null = null;
  let started = false;
  let lastOffset: number | null = null;
  /** The clock offset the shown video's lc-player follows, if it is in one. */
  const offsetOf = (video: HTMLVideoElement): number | null => {
    const root = video.getRootNode();
    const player = root instanceof ShadowRoot ? root.host : null;
    const offset = (player as { clockOffset?: unknown } | null)?.clockOffset;
    return player?.localName === 'lc-player' && typeof offset === 'number' ? offset : null;
  };
  const watch = (video: HTMLVideoElement) => {
    for (const type of EVENTS)
      video.addEventListener(type, () =>
        log.events.push([now(), video.error ? `${type} (error ${video.error.code})` : type]),
      );
    const onFrame: VideoFrameRequestCallback = (_t, meta) => {
      if (video !== shown) return;
      log.frames.push([performance.timeOrigin + meta.expectedDisplayTime, meta.mediaTime]);
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };

  window.lcSync = {
    start(everyMs) {
      if (started) return;
      started = true;
      setInterval(() => {
        if (!shown?.isConnected || shown.hidden) {
          shown = find(document);
          if (shown) watch(shown);
        }
        if (!shown) return;
        const position = shown.currentTime;
        const t = now();
        log.positions.push([t, position, shown.paused ? 1 : 0, shown.seeking ? 1 : 0]);
        const offset = offsetOf(shown);
        if (offset !== null && offset !== lastOffset) {
          lastOffset = offset;
          log.offsets.push([t, offset]);
        }
      }, everyMs);
    },
    forceRate(next) {
      const video = shown;
      const asked = video ? video.playbackRate : 1;
      factor = next;
      if (video) setRate.call(video, asked * factor);
    },
    drain() {
      const out = log;
      log = { positions: [], frames: [], seeks: [], rates: [], events: [], offsets: [] };
      return out;
    },
  };
}
