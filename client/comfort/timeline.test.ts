import { describe, expect, it } from 'vitest';
import { timelineLabel } from './timeline';

describe('timelineLabel', () => {
  it('says what is buffered and where the host is', () => {
    expect(timelineLabel({ duration: 60, buffered: [[0, 30]], host: 12 })).toBe(
      'Buffered 0:00 to 0:30 of 1:00; host at 0:12',
    );
    expect(timelineLabel({ duration: 60, buffered: [], host: null })).toBe(
      'Buffered nothing of 1:00',
    );
  });
});
