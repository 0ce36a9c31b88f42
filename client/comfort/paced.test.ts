import { afterEach, describe, expect, it, vi } from 'vitest';
import { PACE_MS, PAGES_PER_BEAT, sendPaced } from './paced';

describe('sendPaced', () => {
  afterEach(() => vi.useRealTimers());

  it('sends a batch at once and the rest a beat apart, until stopped', () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const items = Array.from({ length: PAGES_PER_BEAT * 3 }, (_, i) => i);
    const stop = sendPaced(items, (i) => sent.push(i));
    expect(sent).toHaveLength(PAGES_PER_BEAT);
    vi.advanceTimersByTime(PACE_MS);
    expect(sent).toHaveLength(PAGES_PER_BEAT * 2);
    stop();
    vi.advanceTimersByTime(PACE_MS * 5);
    expect(sent).toEqual(items.slice(0, PAGES_PER_BEAT * 2));
  });
});
