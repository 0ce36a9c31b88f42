import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fake-clock';
import { FakeVideo } from '../testing/fake-video';
import { fakeYouTubeApi } from '../testing/fake-youtube';
import { HtmlVideoAdapter } from './html-video-adapter';
import { LazyPlayer } from './lazy-player';
import {
  nearestRate,
  PLAYER_EVENTS,
  type PlayerAdapter,
  PlayerError,
  type PlayerEventName,
  type PlayerSource,
} from './player-adapter';
import { YouTubeAdapter } from './youtube-adapter';

interface Harness {
  clock: FakeClock;
  adapter: PlayerAdapter;
  source: PlayerSource;
  /** the network starves playback for `ms` */
  stall(ms: number): void;
  /** how far from its aim a landed seek may be, s */
  seekTolerance: number;
}

const YT_ID = 'M7lc1UVf-VE';

/** Every adapter with the fake its real counterpart talks to; `broken` makes the source fail. */
interface Faults {
  /** the source fails to load */
  broken?: boolean;
  /** the browser refuses play() without a gesture */
  blocked?: boolean;
}

const adapters: Array<{ name: string; make(faults?: Faults): Harness }> = [
  {
    name: 'HtmlVideoAdapter, own file',
    make({ broken, blocked } = {}) {
      const clock = new FakeClock();
      const video = new FakeVideo(clock, {
        failWith: broken ? 3 : undefined,
        autoplayBlocked: blocked,
      });
      return {
        clock,
        adapter: new HtmlVideoAdapter(video, { clock }),
        source: { kind: 'file', file: new Blob(['x']) },
        stall: (ms) => video.stall(ms),
        seekTolerance: 1e-9,
      };
    },
  },
  {
    name: 'HtmlVideoAdapter, direct URL',
    make({ broken, blocked } = {}) {
      const clock = new FakeClock();
      const video = new FakeVideo(clock, {
        failWith: broken ? 2 : undefined,
        autoplayBlocked: blocked,
      });
      return {
        clock,
        adapter: new HtmlVideoAdapter(video, { clock }),
        source: { kind: 'url', url: 'https://media.example/film.mp4' },
        stall: (ms) => video.stall(ms),
        seekTolerance: 1e-9,
      };
    },
  },
  {
    name: 'LazyPlayer around HtmlVideoAdapter (fetched on load), direct URL',
    make({ broken, blocked } = {}) {
      const clock = new FakeClock();
      const video = new FakeVideo(clock, {
        failWith: broken ? 2 : undefined,
        autoplayBlocked: blocked,
      });
      const open = async () => (element: FakeVideo) => new HtmlVideoAdapter(element, { clock });
      return {
        clock,
        adapter: new LazyPlayer(video, open, 'video player'),
        source: { kind: 'url', url: 'https://media.example/film.mp4' },
        stall: (ms) => video.stall(ms),
        seekTolerance: 1e-9,
      };
    },
  },
  {
    name: 'YouTubeAdapter, IFrame API stand-in',
    make({ broken, blocked } = {}) {
      const clock = new FakeClock();
      const api = fakeYouTubeApi(clock, {
        errors: broken ? { [YT_ID]: 150 } : {},
        autoplayBlocked: blocked,
      });
      return {
        clock,
        adapter: new YouTubeAdapter('player', { clock, loadApi: async () => api.YT }),
        source: { kind: 'url', url: `https://www.youtube.com/watch?v=${YT_ID}` },
        stall: (ms) => api.players[0]?.stall(ms),
        seekTolerance: 0.5,
      };
    },
  },
  {
    name: 'LazyPlayer around YouTubeAdapter (fetched on load), IFrame API stand-in',
    make({ broken, blocked } = {}) {
      const clock = new FakeClock();
      const api = fakeYouTubeApi(clock, {
        errors: broken ? { [YT_ID]: 150 } : {},
        autoplayBlocked: blocked,
      });
      const open = async () => (container: HTMLElement | string) =>
        new YouTubeAdapter(container, { clock, loadApi: async () => api.YT });
      return {
        clock,
        adapter: new LazyPlayer('player', open, 'YouTube player'),
        source: { kind: 'url', url: `https://www.youtube.com/watch?v=${YT_ID}` },
        stall: (ms) => api.players[0]?.stall(ms),
        seekTolerance: 0.5,
      };
    },
  },
];

describe('LazyPlayer', () => {
  it('says so when the player cannot be fetched, and fetches again on the next load', async () => {
    let fetches = 0;
    const adapter = new LazyPlayer(
      'player',
      async () => {
        fetches++;
        throw new TypeError('Failed to fetch dynamically imported module');
      },
      'YouTube player',
    );
    await expect(
      adapter.load({ kind: 'url', url: `https://youtu.be/${YT_ID}` }),
    ).rejects.toMatchObject({
      code: 'unreachable',
      message: 'The YouTube player could not be loaded. Check your connection and try again.',
    });
    await expect(adapter.load({ kind: 'url', url: `https://youtu.be/${YT_ID}` })).rejects.toThrow();
    expect(fetches).toBe(2);
    expect(adapter.duration).toBeNull();
    expect(adapter.paused).toBe(true);
  });
});

function record(adapter: PlayerAdapter): PlayerEventName[] {
  const seen: PlayerEventName[] = [];
  for (const name of PLAYER_EVENTS) adapter.on(name, () => seen.push(name));
  return seen;
}

async function loaded(make: (faults?: Faults) => Harness, faults?: Faults): Promise<Harness> {
  const h = make(faults);
  const done = h.adapter.load(h.source);
  await h.clock.advance(500);
  await done;
  return h;
}

describe.each(adapters)('player adapter contract: $name', ({ make }) => {
  it('loads paused at 0 with a known duration and says ready', async () => {
    const h = make();
    const seen = record(h.adapter);
    const done = h.adapter.load(h.source);
    await h.clock.advance(500);
    await done;
    expect(seen).toContain('ready');
    expect(h.adapter.paused).toBe(true);
    expect(h.adapter.currentTime).toBe(0);
    expect(h.adapter.duration).toBeGreaterThan(0);
    expect(h.adapter.buffering).toBe(false);
  });

  it('plays at its rate and pauses where it is', async () => {
    const h = await loaded(make);
    const seen = record(h.adapter);
    const playing = h.adapter.play();
    await h.clock.advance(100);
    await playing;
    expect(h.adapter.paused).toBe(false);
    const t0 = h.adapter.currentTime;
    await h.clock.advance(2000);
    expect(h.adapter.currentTime - t0).toBeCloseTo(2, 2);
    h.adapter.pause();
    await h.clock.advance(10);
    const rest = h.adapter.currentTime;
    await h.clock.advance(1000);
    expect(h.adapter.paused).toBe(true);
    expect(h.adapter.currentTime).toBe(rest);
    expect(seen).toEqual(expect.arrayContaining(['play', 'playing', 'pause']));
  });

  it('resolves a seek once it has landed, paused or playing', async () => {
    const h = await loaded(make);
    const seen = record(h.adapter);
    let landed = false;
    const seek = h.adapter.seek(42).then(() => {
      landed = true;
    });
    await h.clock.advance(1000);
    await seek;
    expect(landed).toBe(true);
    expect(Math.abs(h.adapter.currentTime - 42)).toBeLessThanOrEqual(h.seekTolerance);
    expect(seen).toContain('seeked');

    const playing = h.adapter.play();
    await h.clock.advance(200);
    await playing;
    const again = h.adapter.seek(100);
    await h.clock.advance(1000);
    await again;
    expect(h.adapter.currentTime).toBeGreaterThanOrEqual(100 - h.seekTolerance);
    expect(h.adapter.currentTime).toBeLessThan(101.5);
  });

  it('takes a playback rate it supports, the nearest one otherwise', async () => {
    const h = await loaded(make);
    const seen = record(h.adapter);
    h.adapter.playbackRate = 1.5;
    expect(h.adapter.playbackRate).toBe(1.5);
    expect(seen).toContain('ratechange');
    h.adapter.playbackRate = 1.04;
    expect(h.adapter.playbackRate).toBe(nearestRate(1.04, h.adapter.rates));
    h.adapter.playbackRate = Number.NaN;
    expect(Number.isFinite(h.adapter.playbackRate)).toBe(true);
  });

  it('reports buffering while starved and playing when data comes back', async () => {
    const h = await loaded(make);
    const playing = h.adapter.play();
    await h.clock.advance(200);
    await playing;
    const seen = record(h.adapter);
    h.stall(1000);
    await h.clock.advance(10);
    expect(h.adapter.buffering).toBe(true);
    expect(seen).toContain('waiting');
    await h.clock.advance(1100);
    expect(h.adapter.buffering).toBe(false);
    expect(seen.slice(seen.indexOf('waiting'))).toContain('playing');
  });

  it('rejects a source it cannot show with a message for people', async () => {
    const h = make({ broken: true });
    const outcome = h.adapter.load(h.source).then(
      () => null,
      (e: unknown) => e,
    );
    await h.clock.advance(500);
    const error = await outcome;
    expect(error).toBeInstanceOf(PlayerError);
    if (error instanceof PlayerError) expect(error.message).toMatch(/^[A-Z].{15,}\.$/);
  });

  it('rejects a play the browser blocks, telling people to press play', async () => {
    const h = await loaded(make, { blocked: true });
    const outcome = h.adapter.play().then(
      () => null,
      (e: unknown) => e,
    );
    await h.clock.advance(6000);
    const error = await outcome;
    expect(error).toBeInstanceOf(PlayerError);
    if (error instanceof PlayerError) expect(error.code).toBe('refused');
    expect(h.adapter.paused).toBe(true);
  });

  it('is silent once destroyed', async () => {
    const h = await loaded(make);
    const seen = record(h.adapter);
    h.adapter.destroy();
    await h.clock.advance(1000);
    expect(seen).toEqual([]);
  });
});
