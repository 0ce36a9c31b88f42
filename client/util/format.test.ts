import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration } from './format';

describe('formatDuration', () => {
  it('formats minutes and hours', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(75.4)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
  it('shows unknown values as a placeholder', () => {
    expect(formatDuration(null)).toBe('–:––');
    expect(formatDuration(Number.NaN)).toBe('–:––');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('–:––');
  });
});

describe('formatBytes', () => {
  it('counts bytes up to a MiB, then MiB with one decimal', () => {
    expect(formatBytes(532)).toBe('532 bytes');
    expect(formatBytes(5 * 1024 * 1024 - 1)).toBe('5.0 MiB');
    expect(formatBytes(1536 * 1024)).toBe('1.5 MiB');
  });
});
