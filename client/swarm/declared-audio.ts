/** Reads bytes `start` to `end` (exclusive) of the file; fewer at its end. */
export type ByteReader = (start: number, end: number) => Promise<Uint8Array>;

/** Where Matroska keeps its Tracks: near the start, after the header and the seek index. */
const MATROSKA_HEAD_BYTES = 64 * 1024;
/** A larger MP4 index is not worth reading for this. */
const MOOV_MAX_BYTES = 16 * 1024 * 1024;
/** Top-level MP4 boxes walked before giving up (ftyp, free, mdat, moov…). */
const BOXES_MAX = 64;

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];

function indexOf(bytes: Uint8Array, pattern: readonly number[], from = 0): number {
  outer: for (let i = from; i + pattern.length <= bytes.length; i++) {
    for (let k = 0; k < pattern.length; k++) if (bytes[i + k] !== pattern[k]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Matroska and WebM: a track's CodecID (element 0x86, a one-byte size, the text) starts with
 * "A_" for sound and "V_" for picture. Null when no codec is in the head.
 */
function matroskaAudio(head: Uint8Array): boolean | null {
  let video = false;
  for (let i = indexOf(head, [0x86]); i >= 0; i = indexOf(head, [0x86], i + 1)) {
    const size = (head[i + 1] ?? 0) ^ 0x80;
    if (size < 2 || size > 32) continue;
    const prefix = String.fromCharCode(head[i + 2] ?? 0, head[i + 3] ?? 0);
    if (prefix === 'A_') return true;
    if (prefix === 'V_') video = true;
  }
  return video ? false : null;
}

/** MP4 and MOV: the index (moov) has a handler box of type "soun" for each sound track. */
async function mp4Audio(read: ByteReader, size: number): Promise<boolean | null> {
  let at = 0;
  for (let n = 0; n < BOXES_MAX && at + 8 <= size; n++) {
    const header = await read(at, Math.min(size, at + 16));
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    let length = view.getUint32(0);
    const type = String.fromCharCode(...header.subarray(4, 8));
    if (length === 1 && header.byteLength >= 16) length = Number(view.getBigUint64(8));
    else if (length === 0) length = size - at;
    if (length < 8) return null;
    if (type === 'moov') {
      if (length > MOOV_MAX_BYTES) return null;
      const moov = await read(at, Math.min(size, at + length));
      const hdlr = ascii('hdlr');
      for (let i = indexOf(moov, hdlr); i >= 0; i = indexOf(moov, hdlr, i + 1)) {
        if (String.fromCharCode(...moov.subarray(i + 12, i + 16)) === 'soun') return true;
      }
      return false;
    }
    at += length;
  }
  return null;
}

/**
 * Whether the file's container declares a sound track: true, false, or null when it cannot
 * tell (another container, an index too large). Chromium drops a track it cannot decode (AC-3,
 * say) without a word, so this is what tells a silent film from a film played silently.
 */
export async function declaresAudio(read: ByteReader, size: number): Promise<boolean | null> {
  const head = await read(0, Math.min(size, MATROSKA_HEAD_BYTES));
  if (indexOf(head.subarray(0, 4), EBML_MAGIC) === 0) return matroskaAudio(head);
  if (String.fromCharCode(...head.subarray(4, 8)) === 'ftyp') return mp4Audio(read, size);
  return null;
}
