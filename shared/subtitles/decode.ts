import { SUBTITLE_FILE_MAX_BYTES } from './limits';

export type DecodeResult =
  | { ok: true; text: string }
  | { ok: false; reason: 'too-large' | 'not-text' };

/**
 * A subtitles file's bytes as text: UTF-8 (or UTF-16 with its byte-order mark), else
 * Windows-1252, in which many older SRT files were written. Bytes with NUL or other control
 * characters that text never holds are not a subtitles file.
 */
export function decodeSubtitleFile(bytes: Uint8Array): DecodeResult {
  if (bytes.byteLength > SUBTITLE_FILE_MAX_BYTES) return { ok: false, reason: 'too-large' };
  const text = decodeText(bytes);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  if (/[\u0000-\u0008\u000e-\u001a\u001c-\u001f]/.test(text)) {
    return { ok: false, reason: 'not-text' };
  }
  return { ok: true, text };
}

function decodeText(bytes: Uint8Array): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(bytes);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
