import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sourceSchema } from '../../shared/peer-messages';
import {
  compareFingerprint,
  edgeHash,
  FINGERPRINT_EDGE_BYTES,
  fingerprintFile,
} from './file-fingerprint';

const MIB = FINGERPRINT_EDGE_BYTES;

function bytes(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

function file(data: Uint8Array<ArrayBuffer>, name = 'film.mp4'): File {
  return new File([data], name);
}

function flip(data: Uint8Array<ArrayBuffer>, at: number): Uint8Array<ArrayBuffer> {
  const copy = data.slice();
  copy[at] = (copy[at] ?? 0) ^ 0xff;
  return copy;
}

const sha = (...parts: Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

describe('edgeHash', () => {
  it('hashes a small file whole', async () => {
    const data = bytes(1000, 1);
    expect(await edgeHash(file(data))).toBe(sha(data));
  });

  it('hashes the first and the last MiB of a large file, not the middle', async () => {
    const data = bytes(3 * MIB + 17, 2);
    expect(await edgeHash(file(data))).toBe(sha(data.subarray(0, MIB), data.subarray(-MIB)));
    const changedMiddle = flip(data, Math.floor(data.length / 2));
    expect(await edgeHash(file(changedMiddle))).toBe(await edgeHash(file(data)));
    const changedEnd = flip(data, data.length - 1);
    expect(await edgeHash(file(changedEnd))).not.toBe(await edgeHash(file(data)));
  });
});

describe('compareFingerprint', () => {
  it('makes a local source the wire accepts and matches the same file', async () => {
    const data = bytes(2 * MIB + 5, 3);
    const host = await fingerprintFile(file(data, 'Our film.mp4'), 5400.2);
    expect(sourceSchema.safeParse(host).success).toBe(true);
    const mine = await fingerprintFile(file(data, 'renamed.mp4'), 5400.21);
    expect(compareFingerprint(mine, host)).toEqual({ ok: true });
  });

  it('says which part differs', async () => {
    const data = bytes(2 * MIB + 5, 4);
    const host = await fingerprintFile(file(data, 'Our film.mp4'), 100);

    const shorter = await fingerprintFile(file(data.subarray(1)), 100);
    const size = compareFingerprint(shorter, host);
    expect(size).toMatchObject({ ok: false, reason: 'size' });
    if (!size.ok) expect(size.message).toContain('Our film.mp4');

    const other = flip(data, 0);
    expect(compareFingerprint(await fingerprintFile(file(other), 100), host)).toMatchObject({
      ok: false,
      reason: 'content',
    });

    expect(compareFingerprint(await fingerprintFile(file(data), 101), host)).toMatchObject({
      ok: false,
      reason: 'duration',
    });
    // An unknown duration on either side is no reason to refuse.
    expect(compareFingerprint(await fingerprintFile(file(data), Number.NaN), host).ok).toBe(true);
  });
});
