import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../testing/fake-clock';
import { fakeYouTubeApi } from '../testing/fake-youtube';
import { PlayerError } from './player-adapter';
import {
  YouTubeAdapter,
  type YouTubeApiHost,
  type YTNamespace,
  youtubeApiLoader,
  youtubeErrorMessage,
} from './youtube-adapter';

function settle(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => v,
    (e: unknown) => e,
  );
}

describe('youtubeApiLoader', () => {
  it('adds the script once and shares the wait', async () => {
    const clock = new FakeClock();
    let api: YTNamespace | undefined;
    const inject = vi.fn<YouTubeApiHost['inject']>((_src, ready) => {
      clock.after(200, () => {
        api = fakeYouTubeApi(clock).YT;
        ready();
      });
    });
    const load = youtubeApiLoader({ current: () => api, inject }, clock);
    const a = load();
    const b = load();
    await clock.advance(300);
    expect(await a).toBe(await b);
    expect(inject).toHaveBeenCalledTimes(1);
    expect(inject.mock.calls[0]?.[0]).toBe('https://www.youtube.com/iframe_api');
  });

  it('fails clearly when YouTube cannot be reached, and tries again next time', async () => {
    const clock = new FakeClock();
    const inject = vi.fn<YouTubeApiHost['inject']>();
    const load = youtubeApiLoader({ current: () => undefined, inject }, clock, 10_000);
    const first = settle(load());
    await clock.advance(10_000);
    expect(await first).toEqual(
      new PlayerError(
        'unreachable',
        'YouTube could not be reached, so this video cannot be shown.',
      ),
    );
    void settle(load());
    expect(inject).toHaveBeenCalledTimes(2);
  });
});

describe('YouTubeAdapter', () => {
  it('loads a new video into the same player by its ID, cued and paused', async () => {
    const clock = new FakeClock();
    const api = fakeYouTubeApi(clock);
    const adapter = new YouTubeAdapter('player', { clock, loadApi: async () => api.YT });
    const first = adapter.load({ kind: 'url', url: 'https://youtu.be/M7lc1UVf-VE' });
    await clock.advance(300);
    await first;
    const second = adapter.load({ kind: 'url', url: 'https://www.youtube.com/shorts/aqz-KE-bpKQ' });
    await clock.advance(300);
    await second;
    expect(api.players).toHaveLength(1);
    expect(api.players[0]?.videoId).toBe('aqz-KE-bpKQ');
    expect(adapter.paused).toBe(true);
  });

  it('refuses links that are not YouTube videos', async () => {
    const adapter = new YouTubeAdapter('player', { loadApi: () => new Promise(() => {}) });
    for (const url of ['https://a.example/v.mp4', 'https://www.youtube.com/']) {
      expect(await settle(adapter.load({ kind: 'url', url }))).toMatchObject({ code: 'invalid' });
    }
  });

  it('offers only the player’s rate steps, so no ±5 % nudge', async () => {
    const clock = new FakeClock();
    const api = fakeYouTubeApi(clock);
    const adapter = new YouTubeAdapter('player', { clock, loadApi: async () => api.YT });
    const done = adapter.load({ kind: 'url', url: 'https://youtu.be/M7lc1UVf-VE' });
    await clock.advance(300);
    await done;
    expect(adapter.rates).toEqual([0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]);
    adapter.playbackRate = 1.05;
    expect(adapter.playbackRate).toBe(1);
    adapter.playbackRate = 1.2;
    expect(adapter.playbackRate).toBe(1.25);
  });

  it('explains YouTube’s error codes', () => {
    expect(youtubeErrorMessage(150).message).toMatch(
      /does not allow it to be played on other sites/,
    );
    expect(youtubeErrorMessage(100).message).toMatch(/does not exist or is private/);
    expect(youtubeErrorMessage(2).code).toBe('invalid');
    expect(youtubeErrorMessage(5).message).toBe('This video cannot be played in this browser.');
    expect(youtubeErrorMessage(999).message).toMatch(/error 999/);
  });
});
