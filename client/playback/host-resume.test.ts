import { describe, expect, it } from 'vitest';
import { HtmlVideoAdapter } from '../players/html-video-adapter';
import { FakeClock } from '../testing/fake-clock';
import { FakeVideo } from '../testing/fake-video';
import {
  type HostResumeState,
  HostResumeStore,
  playInStep,
  RESUME_ALIGNED_S,
  RESUME_MAX_AGE_MS,
  resumePosition,
} from './host-resume';

class MemoryStorage {
  readonly map = new Map<string, string>();
  get length(): number {
    return this.map.size;
  }
  key(i: number): string | null {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(k: string): string | null {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.map.set(k, v);
  }
  removeItem(k: string): void {
    this.map.delete(k);
  }
}

const NOW = 1_900_000_000_000;
const url: HostResumeState = {
  source: { kind: 'url', url: 'https://example.com/film.mp4' },
  paused: false,
  position: 30,
  rate: 1.5,
  at: NOW - 10_000,
};
const stream: HostResumeState = {
  source: { kind: 'stream', name: 'film.webm', size: 1234 },
  paused: false,
  position: 30,
  rate: 1,
  at: NOW - 10_000,
};

describe('HostResumeStore', () => {
  it('keeps one state per room and reads it back', () => {
    const storage = new MemoryStorage();
    const a = new HostResumeStore(storage, 'aaa-aaaa-aaa', () => NOW);
    const b = new HostResumeStore(storage, 'bbb-bbbb-bbb', () => NOW);
    a.save(url);
    b.save(stream);
    expect(a.load()).toEqual(url);
    expect(b.load()).toEqual(stream);
    a.clear();
    expect(a.load()).toBeNull();
    expect(b.load()).toEqual(stream);
  });

  it('forgets a state that is not JSON, has the wrong shape or is too old', () => {
    const storage = new MemoryStorage();
    const store = new HostResumeStore(storage, 'aaa-aaaa-aaa', () => NOW);
    for (const bad of ['{', '"x"', JSON.stringify({ ...url, position: -1 })]) {
      storage.setItem('lc.host-resume.aaa-aaaa-aaa', bad);
      expect(store.load()).toBeNull();
      expect(storage.length).toBe(0);
    }
    store.save({ ...url, at: NOW - RESUME_MAX_AGE_MS - 1 });
    expect(store.load()).toBeNull();
    store.save({ ...url, at: NOW - RESUME_MAX_AGE_MS });
    expect(store.load()).not.toBeNull();
  });

  it("prunes other rooms' stale states and keeps fresh ones and unrelated keys", () => {
    const storage = new MemoryStorage();
    storage.setItem('lc.pin.ccc-cccc-ccc', '123456');
    new HostResumeStore(storage, 'old-oooo-ooo', () => NOW).save({
      ...url,
      at: NOW - RESUME_MAX_AGE_MS - 1,
    });
    storage.setItem('lc.host-resume.bad-bbbb-bbb', 'nonsense');
    new HostResumeStore(storage, 'new-nnnn-nnn', () => NOW).save(url);
    new HostResumeStore(storage, 'aaa-aaaa-aaa', () => NOW).prune();
    expect([...storage.map.keys()].sort()).toEqual([
      'lc.host-resume.new-nnnn-nnn',
      'lc.pin.ccc-cccc-ccc',
    ]);
  });

  it('survives storage that refuses writes', () => {
    const storage = new MemoryStorage();
    storage.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    const store = new HostResumeStore(storage, 'aaa-aaaa-aaa', () => NOW);
    expect(() => store.save(url)).not.toThrow();
    expect(store.load()).toBeNull();
  });
});

describe('playInStep', () => {
  async function reopened(seekMs: number, options: { autoplayBlocked?: boolean } = {}) {
    const clock = new FakeClock();
    const element = new FakeVideo(clock, { seekMs, ...options });
    const player = new HtmlVideoAdapter(element, { clock });
    const loaded = player.load({ kind: 'url', url: 'https://example.com/film.mp4' });
    await clock.advance(100);
    await loaded;
    // Guests have played on for 20 s since the host's last sync.
    const state: HostResumeState = { ...url, rate: 1, at: clock.now() - 20_000 };
    const seeked = player.seek(resumePosition(state, clock.now()));
    await clock.advance(seekMs + 10);
    await seeked;
    return { clock, element, player, state };
  }

  it('lands a reopened player within 40 ms of where the guests are, seeking ahead by a seek', async () => {
    const { clock, element, player, state } = await reopened(250);
    const seeksBefore = element.seeks;
    const done = playInStep(player, state, clock);
    await clock.advance(2000);
    const error = await done;
    expect(Math.abs(error ?? 1)).toBeLessThanOrEqual(RESUME_ALIGNED_S);
    expect(player.paused).toBe(false);
    expect(element.seeks - seeksBefore).toBeLessThanOrEqual(3);
    await clock.advance(5000);
    expect(Math.abs(player.currentTime - resumePosition(state, clock.now()))).toBeLessThan(0.04);
  });

  it('does not seek a player that starts in step', async () => {
    const { clock, element, player, state } = await reopened(0);
    const seeksBefore = element.seeks;
    const done = playInStep(player, state, clock);
    await clock.advance(100);
    expect(Math.abs((await done) ?? 1)).toBeLessThanOrEqual(RESUME_ALIGNED_S);
    expect(element.seeks).toBe(seeksBefore);
  });

  it('gives up when the browser will not start the player', async () => {
    const { clock, player, state } = await reopened(80, { autoplayBlocked: true });
    const done = playInStep(player, state, clock);
    await clock.advance(100);
    expect(await done).toBeNull();
  });
});

describe('resumePosition', () => {
  it('carries a playing URL on by the time away, at its rate', () => {
    expect(resumePosition(url, NOW)).toBeCloseTo(30 + 10 * 1.5);
  });

  it('keeps a paused URL where it was', () => {
    expect(resumePosition({ ...url, paused: true }, NOW)).toBe(30);
  });

  it('takes a streamed file up where it stopped, since nobody saw it meanwhile', () => {
    expect(resumePosition(stream, NOW)).toBe(30);
  });
});
