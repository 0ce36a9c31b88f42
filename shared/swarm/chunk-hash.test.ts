import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isAnnouncedChunk, sha256Hex } from './chunk-hash';

describe('chunk hashes', () => {
  const chunk = new Uint8Array(262_144).map((_, i) => (i * 31) & 0xff);
  const hex = createHash('sha256').update(chunk).digest('hex');

  it('hashes as Node does', async () => {
    expect(await sha256Hex(chunk)).toBe(hex);
  });

  it('accepts only the announced bytes: one flipped bit or a wrong length is refused', async () => {
    expect(await isAnnouncedChunk(chunk, chunk.length, hex)).toBe(true);
    const flipped = chunk.slice();
    flipped[1000] = (flipped[1000] ?? 0) ^ 1;
    expect(await isAnnouncedChunk(flipped, chunk.length, hex)).toBe(false);
    expect(await isAnnouncedChunk(chunk.slice(0, 100), chunk.length, hex)).toBe(false);
  });
});
