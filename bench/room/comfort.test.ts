import { describe, expect, it } from 'vitest';
import { parseSubtitles } from '../../shared/subtitles/parse';
import { CUE_EVERY_S, denseSubtitles } from './comfort';

describe('denseSubtitles', () => {
  it('is a file the app reads as back-to-back cues for the whole clip', () => {
    const { text, cues } = denseSubtitles(360);
    const parsed = parseSubtitles(text);
    expect(parsed.ok && parsed.cues.length).toBe(cues);
    if (!parsed.ok) return;
    expect(parsed.cues[0]).toMatchObject({ start: 0, end: CUE_EVERY_S });
    expect(parsed.cues.at(-1)).toMatchObject({ start: 359.5, end: 360 });
    expect(parsed.cues[150]?.text).toMatch(/^Line 150: .*\n.*dog/);
  });
});
