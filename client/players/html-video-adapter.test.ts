import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../testing/fake-clock';
import { FakeVideo, type FakeVideoOptions } from '../testing/fake-video';
import { type HlsStart, HtmlVideoAdapter } from './html-video-adapter';
import { PlayerError } from './player-adapter';

function setup(options: FakeVideoOptions = {}, hls: HlsStart | null = null) {
  const clock = new FakeClock();
  const video = new FakeVideo(clock, options);
  const loadHls = vi.fn(async () => hls);
  const adapter = new HtmlVideoAdapter(video, { clock, loadHls });
  return { clock, video, adapter, loadHls };
}

async function outcome(p: Promise<void>, clock: FakeClock, ms = 500): Promise<unknown> {
  const settled = p.then(
    () => null,
    (e: unknown) => e,
  );
  await clock.advance(ms);
  return settled;
}

describe('HtmlVideoAdapter', () => {
  it('plays MP4 and WebM URLs directly, never loading hls.js', async () => {
    const { clock, video, adapter, loadHls } = setup();
    expect(
      await outcome(adapter.load({ kind: 'url', url: 'https://a.example/f.webm' }), clock),
    ).toBeNull();
    expect(video.src).toBe('https://a.example/f.webm');
    expect(loadHls).not.toHaveBeenCalled();
  });

  it('plays HLS natively when the browser can, through hls.js otherwise', async () => {
    const native = setup({ nativeHls: true });
    const url = 'https://a.example/live/index.m3u8';
    expect(await outcome(native.adapter.load({ kind: 'url', url }), native.clock)).toBeNull();
    expect(native.video.src).toBe(url);
    expect(native.loadHls).not.toHaveBeenCalled();

    const attached: string[] = [];
    const start: HlsStart = (video, src) => {
      attached.push(src);
      video.src = 'blob:mse';
      return { destroy: vi.fn() };
    };
    const viaHls = setup({}, start);
    expect(await outcome(viaHls.adapter.load({ kind: 'url', url }), viaHls.clock)).toBeNull();
    expect(attached).toEqual([url]);
    expect(viaHls.loadHls).toHaveBeenCalledTimes(1);
  });

  it('says so when neither the browser nor hls.js can play HLS, or hls.js gives up', async () => {
    const none = setup({}, null);
    const refused = await outcome(
      none.adapter.load({ kind: 'url', url: 'https://a.example/x.m3u8' }),
      none.clock,
    );
    expect(refused).toEqual(
      new PlayerError('unsupported', 'This browser cannot play HLS streams.'),
    );

    const failing: HlsStart = (_video, _src, fatal) => {
      setTimeout(() => fatal('network'), 0);
      return { destroy: () => {} };
    };
    const broken = setup({ metadataMs: 10_000 }, failing);
    const load = broken.adapter.load({ kind: 'url', url: 'https://a.example/x.m3u8' });
    const settled = load.then(
      () => null,
      (e: unknown) => e,
    );
    await broken.clock.advance(10);
    await new Promise((r) => setTimeout(r, 5));
    expect(await settled).toEqual(new PlayerError('network', 'The video URL could not be loaded.'));
  });

  it('turns media errors into sentences', async () => {
    const cases: Array<[number, 'url' | 'file', RegExp]> = [
      [2, 'url', /^The video URL could not be loaded\.$/],
      [3, 'url', /^This video cannot be played in this browser\.$/],
      [4, 'url', /could not be loaded\. Or it is not a video this browser can play\./],
      [4, 'file', /^This video cannot be played in this browser\.$/],
    ];
    for (const [code, kind, message] of cases) {
      const { clock, adapter } = setup({ failWith: code });
      const error = await outcome(
        adapter.load(
          kind === 'url'
            ? { kind, url: 'https://a.example/v.mp4' }
            : { kind, file: new Blob(['x']) },
        ),
        clock,
      );
      expect(error).toBeInstanceOf(PlayerError);
      if (error instanceof PlayerError) expect(error.message).toMatch(message);
    }
  });

  it('times out a URL that never answers', async () => {
    const { clock, adapter } = setup({ metadataMs: 60_000 });
    const error = await outcome(
      adapter.load({ kind: 'url', url: 'https://a.example/v.mp4' }),
      clock,
      25_000,
    );
    expect(error).toMatchObject({ code: 'network' });
  });

  it('refuses YouTube and non-http links', async () => {
    const { clock, adapter } = setup();
    for (const url of ['https://youtu.be/M7lc1UVf-VE', 'javascript:alert(1)']) {
      expect(await outcome(adapter.load({ kind: 'url', url }), clock)).toMatchObject({
        code: 'invalid',
      });
    }
  });

  it('frees the blob: URL of an own copy when another source comes or it is destroyed', async () => {
    const revoke = vi.spyOn(URL, 'revokeObjectURL');
    const { clock, video, adapter } = setup();
    await outcome(adapter.load({ kind: 'file', file: new Blob(['a']) }), clock);
    const first = video.src;
    expect(first.startsWith('blob:')).toBe(true);
    await outcome(adapter.load({ kind: 'file', file: new Blob(['b']) }), clock);
    expect(revoke).toHaveBeenCalledWith(first);
    const second = video.src;
    adapter.destroy();
    expect(revoke).toHaveBeenCalledWith(second);
    revoke.mockRestore();
  });

  it('reports an error after loading as an event', async () => {
    const { clock, video, adapter } = setup();
    await outcome(adapter.load({ kind: 'url', url: 'https://a.example/v.mp4' }), clock);
    const errors: PlayerError[] = [];
    adapter.on('error', (e) => errors.push(e));
    video.error = { code: 3 };
    video.dispatchEvent(new Event('error'));
    expect(errors.map((e) => e.message)).toEqual(['This video cannot be played in this browser.']);
  });
});
