import { describe, expect, it } from 'vitest';
import { decodeSubtitleFile } from './decode';
import { SUBTITLE_FILE_MAX_BYTES } from './limits';

describe('decodeSubtitleFile', () => {
  it('reads UTF-8, UTF-16 with a byte-order mark, and Windows-1252', () => {
    expect(decodeSubtitleFile(new TextEncoder().encode('Café'))).toEqual({
      ok: true,
      text: 'Café',
    });
    const utf16 = new Uint8Array([0xff, 0xfe, 0x43, 0, 0xe9, 0]);
    expect(decodeSubtitleFile(utf16)).toEqual({ ok: true, text: 'Cé' });
    expect(decodeSubtitleFile(new Uint8Array([0x43, 0x61, 0x66, 0xe9]))).toEqual({
      ok: true,
      text: 'Café',
    });
  });

  it('refuses binary bytes and files over the size limit', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    expect(decodeSubtitleFile(png)).toEqual({ ok: false, reason: 'not-text' });
    expect(decodeSubtitleFile(new Uint8Array(SUBTITLE_FILE_MAX_BYTES + 1))).toEqual({
      ok: false,
      reason: 'too-large',
    });
  });
});
