import { describe, expect, it } from 'vitest';
import { CUE_TEXT_MAX, SUBTITLE_CUES_MAX } from '../../shared/subtitles/limits';
import { forgetSubtitles, keepSubtitles, keptSubtitles } from './kept-subtitles';

function memoryStorage(quota = Number.POSITIVE_INFINITY) {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => {
      if (v.length > quota) throw new DOMException('full', 'QuotaExceededError');
      items.set(k, v);
    },
    removeItem: (k: string) => void items.delete(k),
    items,
  };
}

const cues = [
  { start: 1, end: 2, text: 'Hello' },
  { start: 3, end: 4.5, text: 'there\nyou' },
];

describe('kept subtitles', () => {
  it('are kept per room until forgotten', () => {
    const storage = memoryStorage();
    keepSubtitles(storage, 'aaa-aaaa-aaa', 'talk.srt', cues);
    expect(keptSubtitles(storage, 'aaa-aaaa-aaa')).toEqual({ name: 'talk.srt', cues });
    expect(keptSubtitles(storage, 'bbb-bbbb-bbb')).toBeNull();
    forgetSubtitles(storage, 'aaa-aaaa-aaa');
    expect(keptSubtitles(storage, 'aaa-aaaa-aaa')).toBeNull();
  });

  it('forget what is broken or past the limits a subtitles file has', () => {
    const storage = memoryStorage();
    const cue = (text: string) => ({ start: 0, end: 1, text });
    for (const bad of [
      '{',
      'null',
      JSON.stringify({ name: 'x', cues: [] }),
      JSON.stringify({ name: 'x', cues: [{ start: -1, end: 1, text: 'a' }] }),
      JSON.stringify({ name: 'x', cues: [cue('a'.repeat(CUE_TEXT_MAX + 1))] }),
      JSON.stringify({
        name: 'x',
        cues: Array.from({ length: SUBTITLE_CUES_MAX + 1 }, () => cue('a')),
      }),
      // Within the count, past the text: 5,000 cues of 1,000 characters is 5 M against 2 M.
      JSON.stringify({
        name: 'x',
        cues: Array.from({ length: 3000 }, () => cue('a'.repeat(CUE_TEXT_MAX))),
      }),
    ]) {
      storage.items.set('lc.subtitles.r', bad);
      expect(keptSubtitles(storage, 'r')).toBeNull();
      expect(storage.items.has('lc.subtitles.r')).toBe(false);
    }
  });

  it('keep nothing, and throw nothing, when storage is full', () => {
    const storage = memoryStorage(10);
    storage.items.set('lc.subtitles.r', JSON.stringify({ name: 'old.srt', cues }));
    expect(() => keepSubtitles(storage, 'r', 'new.srt', cues)).not.toThrow();
    // Not the set before: a reload must not bring back subtitles the host replaced.
    expect(keptSubtitles(storage, 'r')).toBeNull();
  });
});
