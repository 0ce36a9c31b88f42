import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SUBTITLE_SETTINGS,
  loadSubtitleSettings,
  readDelay,
  saveSubtitleSettings,
} from './subtitle-settings';

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    items,
  };
}

describe('subtitle settings', () => {
  it('are kept per user', () => {
    const storage = memoryStorage();
    saveSubtitleSettings(storage, 'ana', { show: false, delay: -1.5, size: 'large' });
    expect(loadSubtitleSettings(storage, 'ana')).toEqual({
      show: false,
      delay: -1.5,
      size: 'large',
    });
    expect(loadSubtitleSettings(storage, 'ben')).toEqual(DEFAULT_SUBTITLE_SETTINGS);
  });

  it('fall back to the defaults when what is stored is broken', () => {
    const storage = memoryStorage();
    for (const stored of ['{', '{"show":true,"delay":1e9,"size":"medium"}', '{"show":1}']) {
      storage.items.set('lc-subtitles:ana', stored);
      expect(loadSubtitleSettings(storage, 'ana')).toEqual(DEFAULT_SUBTITLE_SETTINGS);
    }
  });

  it('read a typed delay in tenths of a second, held within bounds', () => {
    expect(readDelay('1.25')).toBe(1.3);
    expect(readDelay('-0.1')).toBe(-0.1);
    expect(readDelay('99999')).toBe(600);
    expect(readDelay('')).toBeNull();
    expect(readDelay('abc')).toBeNull();
  });
});
