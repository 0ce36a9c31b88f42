import { describe, expect, it } from 'vitest';
import { decodePeerMessage, PEER_MESSAGE_MAX_BYTES } from '../peer-messages';
import { HaveMap } from './have-map';
import {
  CHUNK_BYTES,
  decodeChunkFrame,
  encodeChunkFrame,
  FRAME_HEADER_BYTES,
  fileHashesSchema,
  fileHaveSchema,
  fileTag,
  HASHES_PER_MESSAGE,
} from './messages';

const id = '0123456789abcdef0123456789abcdef';

describe('swarm messages', () => {
  it('a full page of hashes and the largest have-map fit one data-channel message', () => {
    const hashes = {
      type: 'file-hashes' as const,
      id,
      first: 65_000,
      hashes: Array.from({ length: HASHES_PER_MESSAGE }, () => 'f'.repeat(64)),
    };
    expect(fileHashesSchema.safeParse(hashes).success).toBe(true);
    expect(JSON.stringify(hashes).length).toBeLessThan(PEER_MESSAGE_MAX_BYTES);
    const have = { type: 'file-have' as const, id, map: HaveMap.full(65_536).toBase64() };
    expect(fileHaveSchema.safeParse(have).success).toBe(true);
    expect(JSON.stringify(have).length).toBeLessThan(PEER_MESSAGE_MAX_BYTES);
  });

  it('a chunk and its header fit one lc-file message', () => {
    expect(CHUNK_BYTES + FRAME_HEADER_BYTES).toBeLessThanOrEqual(256 * 1024);
  });

  it('frames carry the file tag, the index and the bytes', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const frame = decodeChunkFrame(encodeChunkFrame(id, 70_000, bytes));
    expect(frame?.tag).toBe(fileTag(id));
    expect(frame?.index).toBe(70_000);
    expect([...(frame?.bytes ?? [])]).toEqual([1, 2, 3]);
    expect(decodeChunkFrame(new ArrayBuffer(7))).toBeNull();
  });

  it('refuses bad hashes and ids', () => {
    const base = { type: 'file-hashes', id, first: 0, hashes: ['a'.repeat(64)] };
    expect(fileHashesSchema.safeParse({ ...base, hashes: ['A'.repeat(64)] }).success).toBe(false);
    expect(fileHashesSchema.safeParse({ ...base, id: 'x' }).success).toBe(false);
    expect(fileHashesSchema.safeParse({ ...base, hashes: [] }).success).toBe(false);
    expect(fileHashesSchema.safeParse({ ...base, first: -1 }).success).toBe(false);
  });

  it('a cancel names one chunk of one file, and is a peer message', () => {
    const cancel = { type: 'file-cancel', id, chunk: 12 };
    expect(decodePeerMessage(JSON.stringify(cancel))).toEqual({ ok: true, message: cancel });
    for (const bad of [
      { ...cancel, chunk: -1 },
      { ...cancel, chunk: 1.5 },
      { ...cancel, id: 'x' },
    ])
      expect(decodePeerMessage(JSON.stringify(bad)).ok).toBe(false);
  });
});
