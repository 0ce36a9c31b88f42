import { describe, expect, it } from 'vitest';
import { answerRange, readyPart } from './byte-range';

const MiB = 1024 * 1024;

describe('answerRange', () => {
  it('answers an open range with a bounded slice the player continues from', () => {
    expect(answerRange('bytes=0-', 100 * MiB, 4 * MiB)).toEqual({ start: 0, end: 4 * MiB - 1 });
    expect(answerRange('bytes=99-', 100, 4 * MiB)).toEqual({ start: 99, end: 99 });
  });

  it('serves explicit and suffix ranges, clipped to the file', () => {
    expect(answerRange('bytes=10-19', 100, MiB)).toEqual({ start: 10, end: 19 });
    expect(answerRange('bytes=90-200', 100, MiB)).toEqual({ start: 90, end: 99 });
    expect(answerRange('bytes=-10', 100, MiB)).toEqual({ start: 90, end: 99 });
    expect(answerRange(null, 100, 40)).toEqual({ start: 0, end: 39 });
  });

  it('refuses what cannot be satisfied or is not a single byte range', () => {
    for (const header of [
      'bytes=100-',
      'bytes=20-10',
      'bytes=-',
      'items=0-1',
      'bytes=0-1,5-6',
      'bytes=x-',
    ]) {
      expect(answerRange(header, 100, MiB)).toBeNull();
    }
    expect(answerRange('bytes=0-', 0, MiB)).toBeNull();
  });
});

describe('readyPart', () => {
  const chunk = 256 * 1024;

  it('answers where nothing is held with the rest of the first chunk only', () => {
    expect(readyPart({ start: 0, end: 2 * MiB - 1 }, chunk, 0)).toEqual({
      start: 0,
      end: chunk - 1,
    });
    expect(readyPart({ start: chunk + 10, end: 2 * MiB }, chunk, chunk + 10)).toEqual({
      start: chunk + 10,
      end: 2 * chunk - 1,
    });
  });

  it('answers with all that is held from the start, up to the range asked', () => {
    expect(readyPart({ start: 0, end: 2 * MiB - 1 }, chunk, 3 * chunk)).toEqual({
      start: 0,
      end: 3 * chunk - 1,
    });
    expect(readyPart({ start: 0, end: 2 * MiB - 1 }, chunk, 100 * MiB)).toEqual({
      start: 0,
      end: 2 * MiB - 1,
    });
    expect(readyPart({ start: 5, end: 9 }, chunk, 0)).toEqual({ start: 5, end: 9 });
  });
});
