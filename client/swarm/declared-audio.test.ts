import { describe, expect, it } from 'vitest';
import { declaresAudio } from './declared-audio';

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(
    parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)),
  );
const reader = (file: Uint8Array) => async (start: number, end: number) =>
  file.subarray(start, end);
const box = (type: string, body: Uint8Array) => {
  const out = new Uint8Array(8 + body.length);
  new DataView(out.buffer).setUint32(0, out.length);
  out.set(bytes(type), 4);
  out.set(body, 8);
  return out;
};
const concat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));
const hdlr = (handler: string) => box('hdlr', bytes([0, 0, 0, 0], [0, 0, 0, 0], handler));

describe('declaresAudio', () => {
  const ebml = [0x1a, 0x45, 0xdf, 0xa3, 0x93];
  it('finds a Matroska sound track by its codec ID, whatever the codec', async () => {
    const mkv = bytes(ebml, [0x86, 0x8f], 'V_MPEG4/ISO/AVC', [0x86, 0x85], 'A_AC3');
    expect(await declaresAudio(reader(mkv), mkv.length)).toBe(true);
    const silent = bytes(ebml, [0x86, 0x85], 'V_VP9');
    expect(await declaresAudio(reader(silent), silent.length)).toBe(false);
    const none = bytes(ebml, [0, 1, 2, 3]);
    expect(await declaresAudio(reader(none), none.length)).toBeNull();
  });

  it('finds an MP4 sound handler in the index, at the start or past the media', async () => {
    const ftyp = box('ftyp', bytes('isom', [0, 0, 2, 0]));
    const mdat = box('mdat', new Uint8Array(100_000).fill(0x61));
    const withSound = concat(ftyp, mdat, box('moov', concat(hdlr('vide'), hdlr('soun'))));
    expect(await declaresAudio(reader(withSound), withSound.length)).toBe(true);
    const silent = concat(ftyp, box('moov', hdlr('vide')), mdat);
    expect(await declaresAudio(reader(silent), silent.length)).toBe(false);
    // A box that lies about its length ends the walk without an answer.
    const broken = concat(ftyp, bytes([0, 0, 0, 3], 'junk'));
    expect(await declaresAudio(reader(broken), broken.length)).toBeNull();
  });

  it('cannot tell for other containers', async () => {
    const text = bytes('This is not a video, whatever its name says.');
    expect(await declaresAudio(reader(text), text.length)).toBeNull();
  });
});
