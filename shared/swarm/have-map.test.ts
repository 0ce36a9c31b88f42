import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNKS_MAX, chunkAt, chunkBounds, chunkCount, isValidLayout } from './chunk-layout';
import { HaveMap } from './have-map';

describe('chunk layout', () => {
  it('cuts a file into equal chunks and a shorter last one that together cover every byte', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 34 }),
        fc.integer({ min: 1, max: 262_144 }),
        (size, chunkSize) => {
          const layout = { size, chunkSize };
          const n = chunkCount(layout);
          const last = chunkBounds(layout, n - 1);
          expect(chunkBounds(layout, 0).start).toBe(0);
          expect(last.end).toBe(size);
          expect(last.end - last.start).toBeGreaterThan(0);
          expect(last.end - last.start).toBeLessThanOrEqual(chunkSize);
          expect(chunkAt(layout, size - 1)).toBe(n - 1);
          expect(chunkAt(layout, size + 10)).toBe(n - 1);
        },
      ),
    );
  });

  it('refuses layouts a peer could use to make us allocate or ask for too much', () => {
    expect(isValidLayout({ size: 10, chunkSize: 262_144 })).toBe(true);
    expect(isValidLayout({ size: 0, chunkSize: 1 })).toBe(false);
    expect(isValidLayout({ size: 10, chunkSize: 262_145 })).toBe(false);
    expect(isValidLayout({ size: 10.5, chunkSize: 4 })).toBe(false);
    expect(isValidLayout({ size: (CHUNKS_MAX + 1) * 4, chunkSize: 4 })).toBe(false);
  });
});

describe('HaveMap', () => {
  it('travels as base64 and comes back the same', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.array(fc.nat(2999)), (chunks, held) => {
        const map = new HaveMap(chunks);
        for (const i of held) map.add(i);
        const back = HaveMap.fromBase64(map.toBase64(), chunks);
        expect(back).not.toBeNull();
        for (let i = 0; i < chunks; i++) expect(back?.has(i)).toBe(map.has(i));
        expect(back?.count).toBe(new Set(held.filter((i) => i < chunks)).size);
      }),
    );
  });

  it('counts each chunk once and ignores indexes outside the file', () => {
    const map = new HaveMap(10);
    expect(map.add(3)).toBe(true);
    expect(map.add(3)).toBe(false);
    expect(map.add(10)).toBe(false);
    expect(map.add(-1)).toBe(false);
    expect(map.add(1.5)).toBe(false);
    expect(map.count).toBe(1);
    expect(map.delete(3)).toBe(true);
    expect(map.delete(3)).toBe(false);
    expect(map.has(3)).toBe(false);
    expect(map.count).toBe(0);
    expect(HaveMap.full(10).complete).toBe(true);
  });

  it('refuses a forged map: wrong length, bits past the end, not base64', () => {
    const full = HaveMap.full(16).toBase64();
    expect(HaveMap.fromBase64(full, 10)).toBeNull();
    expect(HaveMap.fromBase64(full, 30)).toBeNull();
    expect(HaveMap.fromBase64('!!!', 8)).toBeNull();
    expect(HaveMap.fromBase64(HaveMap.full(10).toBase64(), 10)?.complete).toBe(true);
  });
});
