import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { textTrackClips } from '../../../e2e/text-track-clips';
import { CUE_TEXT_MAX } from '../../../shared/subtitles/limits';
import { EbmlReader } from './ebml';
import { type MatroskaLayout, readMatroskaLayout, readTrackCues } from './matroska-text';
import { type ByteSource, WINDOW_BYTES } from './sliced-reader';
import { damagedCopies, PROBE_CUES, probeCues } from './test-files';

/** Bytes as a source that counts, and bounds, what is asked of it. */
function source(bytes: Uint8Array) {
  const asked: number[] = [];
  const src: ByteSource & { asked: number[] } = {
    size: bytes.length,
    asked,
    read: async (offset, length) => {
      asked.push(length);
      return bytes.slice(offset, offset + length);
    },
  };
  return src;
}

async function read(bytes: Uint8Array) {
  const src = source(bytes);
  const reader = new EbmlReader(src);
  const layout = await readMatroskaLayout(reader);
  const results = [];
  for (const track of layout?.tracks ?? []) {
    results.push(await readTrackCues(reader, layout as MatroskaLayout, track));
  }
  return { layout, results, asked: src.asked };
}

// A small EBML writer for files ffmpeg does not make (compressed tracks, unknown sizes, lacing).
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const idBytes = (id: number) => {
  const bytes: number[] = [];
  for (let v = id; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return new Uint8Array(bytes);
};
const size8 = (n: number) => {
  const bytes = [0x01, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 7, v = n; i > 0; i -= 1, v = Math.floor(v / 256)) bytes[i] = v % 256;
  return new Uint8Array(bytes);
};
const UNKNOWN = new Uint8Array([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
const el = (id: number, ...children: Uint8Array[]) => {
  const data = concat(...children);
  return concat(idBytes(id), size8(data.length), data);
};
const open = (id: number, ...children: Uint8Array[]) => concat(idBytes(id), UNKNOWN, ...children);
const uint = (id: number, n: number) =>
  el(id, new Uint8Array([(n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255]));
const text = (s: string) => new TextEncoder().encode(s);
const str = (id: number, s: string) => el(id, text(s));
const blockBytes = (track: number, relative: number, payload: Uint8Array, flags = 0x80) =>
  concat(new Uint8Array([0x80 | track, (relative >> 8) & 255, relative & 255, flags]), payload);

const header = (docType = 'matroska') => el(0x1a45dfa3, str(0x4282, docType));
const trackEntry = (number: number, codec: string, ...more: Uint8Array[]) =>
  el(0xae, uint(0xd7, number), str(0x86, codec), ...more);
const tracks = (...entries: Uint8Array[]) => el(0x1654ae6b, ...entries);
const info = el(0x1549a966, uint(0x2ad7b1, 1_000_000));
const cluster = (time: number, ...children: Uint8Array[]) =>
  el(0x1f43b675, uint(0xe7, time), ...children);
const simple = (track: number, relative: number, payload: Uint8Array, flags?: number) =>
  el(0xa3, blockBytes(track, relative, payload, flags));
const group = (track: number, relative: number, payload: Uint8Array, duration: number) =>
  el(0xa0, el(0xa1, blockBytes(track, relative, payload)), uint(0x9b, duration));
const segment = (...children: Uint8Array[]) => el(0x18538067, ...children);

describe('text tracks in Matroska and WebM files ffmpeg made', () => {
  let clips: Record<string, string> = {};
  beforeAll(() => {
    clips = textTrackClips(join(tmpdir(), 'lc-text-track-clips'));
  }, 60_000);

  it.each([
    ['mkv-srt.mkv', 'srt'],
    ['mkv-webvtt.mkv', 'webvtt'],
    ['mkv-ass.mkv', 'ass'],
    ['webm-webvtt.webm', 'webvtt'],
  ])('%s: the track, named, and its three cues as plain text', async (name, codec) => {
    const { layout, results, asked } = await read(readFileSync(clips[name] ?? ''));
    expect(layout?.tracks).toEqual([
      expect.objectContaining({ number: 3, codec, name: 'English', language: 'eng' }),
    ]);
    expect(probeCues(results[0])).toEqual(PROBE_CUES);
    // The file is small: one window holds it, read once.
    expect(asked).toHaveLength(1);
  });

  it('an MP4 is not Matroska', async () => {
    expect((await read(readFileSync(clips['mp4-mov_text.mp4'] ?? ''))).layout).toBeNull();
  });
});

describe('readTrackCues', () => {
  it('reads zlib and header-stripped tracks, skips laced and picture tracks, closes open cues', async () => {
    const zlib = el(0x6d80, el(0x6240, el(0x5034, uint(0x4254, 0))));
    const strip = el(0x6d80, el(0x6240, el(0x5034, uint(0x4254, 3), el(0x4255, text('Hel')))));
    const file = concat(
      header('webm'),
      segment(
        info,
        tracks(
          trackEntry(1, 'V_VP8'),
          trackEntry(2, 'S_TEXT/UTF8', zlib, str(0x22b59c, 'fre')),
          trackEntry(3, 'S_TEXT/UTF8', strip, str(0x22b59d, 'pt-BR')),
          trackEntry(4, 'S_HDMV/PGS'),
        ),
        cluster(
          1000,
          simple(1, 0, new Uint8Array(3000)),
          group(2, 0, deflateSync(text('<i>Bonjour</i>')), 1500),
          group(3, 500, text('lo'), 500),
          simple(3, 2000, text('p\n'), 0x80 | 0x02),
          simple(2, 2000, deflateSync(text('Salut'))),
        ),
        cluster(3500, simple(2, 0, deflateSync(text('Fin')))),
      ),
    );
    const { layout, results } = await read(file);
    expect(layout?.tracks.map((t) => [t.number, t.compression.kind, t.language])).toEqual([
      [2, 'zlib', 'fre'],
      [3, 'strip', 'pt-BR'],
    ]);
    expect(results[0]).toEqual({
      ok: true,
      cues: [
        { start: 1, end: 2.5, text: 'Bonjour' },
        // No duration: until the next cue, or 5 s at most.
        { start: 3, end: 3.5, text: 'Salut' },
        { start: 3.5, end: 8.5, text: 'Fin' },
      ],
    });
    expect(results[1]).toEqual({ ok: true, cues: [{ start: 1.5, end: 2, text: 'Hello' }] });
  });

  it('follows clusters and a segment of unknown size, as live recordings write them', async () => {
    const file = concat(
      header(),
      open(
        0x18538067,
        tracks(trackEntry(5, 'S_TEXT/ASS')),
        open(
          0x1f43b675,
          uint(0xe7, 0),
          group(5, 100, text('1,0,Default,,0,0,0,,{\\b1}Big\\Nline'), 900),
        ),
        open(
          0x1f43b675,
          uint(0xe7, 2000),
          group(5, 0, text('2,0,Default,,0,0,0,,Next, with a comma'), 1000),
        ),
      ),
    );
    const { results } = await read(file);
    expect(results[0]).toEqual({
      ok: true,
      cues: [
        { start: 0.1, end: 1, text: 'Big\nline' },
        { start: 2, end: 3, text: 'Next, with a comma' },
      ],
    });
  });

  it('reads a long file in windows, and only its text blocks whole', async () => {
    // 24 MiB of video blocks of 60 KiB, a cue every 50 of them.
    const video = new Uint8Array(60 * 1024);
    const clusters: Uint8Array[] = [];
    for (let c = 0; c < 8; c += 1) {
      const blocks: Uint8Array[] = [];
      for (let b = 0; b < 50; b += 1) blocks.push(simple(1, b * 33, video));
      blocks.push(group(2, 0, text(`Cue ${c}`), 1000));
      clusters.push(cluster(c * 2000, ...blocks));
    }
    const file = concat(
      header(),
      segment(tracks(trackEntry(1, 'V_VP9'), trackEntry(2, 'S_TEXT/UTF8')), ...clusters),
    );
    const { results, asked } = await read(file);
    expect(results[0]?.ok && results[0].cues.map((c) => c.text)).toEqual(
      Array.from({ length: 8 }, (_, c) => `Cue ${c}`),
    );
    expect(Math.max(...asked)).toBeLessThanOrEqual(WINDOW_BYTES);
    expect(asked.length).toBeLessThanOrEqual(
      Math.ceil(file.length / (WINDOW_BYTES - 128 * 1024)) + 2,
    );
  });

  it('refuses a track past the limits a subtitles file has, and cuts a zlib bomb', async () => {
    const many = Array.from({ length: 5001 }, (_, i) => group(2, 0, text(`c${i}`), 10));
    const file = concat(
      header(),
      segment(tracks(trackEntry(2, 'S_TEXT/UTF8')), cluster(0, ...many)),
    );
    expect((await read(file)).results[0]).toEqual({ ok: false, reason: 'too-many-cues' });

    const zlib = el(0x6d80, el(0x6240, el(0x5034, uint(0x4254, 0))));
    const bomb = deflateSync(Buffer.alloc(50 * 1024 * 1024, 'a'));
    const bombFile = concat(
      header(),
      segment(tracks(trackEntry(2, 'S_TEXT/UTF8', zlib)), cluster(0, group(2, 0, bomb, 10))),
    );
    const { results } = await read(bombFile);
    expect(results[0]?.ok && results[0].cues[0]?.text.length).toBe(CUE_TEXT_MAX);
  });
});

describe('on damaged or hostile files', () => {
  const good = concat(
    header(),
    segment(
      info,
      tracks(trackEntry(1, 'V_VP8'), trackEntry(2, 'S_TEXT/UTF8')),
      cluster(0, simple(1, 0, new Uint8Array(500)), group(2, 0, text('One'), 500)),
      cluster(1000, group(2, 0, text('Two'), 500), simple(1, 0, new Uint8Array(500))),
    ),
  );

  it('never throws or hangs on random bytes, and reads each byte at most a few times', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        const { asked } = await read(concat(header(), bytes));
        expect(asked.reduce((n, a) => n + a, 0)).toBeLessThanOrEqual(8 * (bytes.length + 64) + 64);
      }),
      { numRuns: 300 },
    );
  });

  it('on a valid file with bytes changed or cut, still ends, with bounded cues', async () => {
    await fc.assert(
      fc.asyncProperty(damagedCopies(good, 8), async (bytes) => {
        const { results, asked } = await read(bytes);
        for (const result of results) {
          if (result.ok) expect(result.cues.length).toBeLessThanOrEqual(2);
        }
        expect(asked.length).toBeLessThan(64);
      }),
      { numRuns: 500 },
    );
  });

  it('stops when told to', async () => {
    const controller = new AbortController();
    const reader = new EbmlReader(source(good), controller.signal);
    const layout = await readMatroskaLayout(reader);
    if (!layout?.tracks[0]) throw new Error('no track');
    controller.abort();
    // A new window is needed to go on: the one read so far is dropped first.
    const fresh = new EbmlReader(source(good), controller.signal);
    await expect(readTrackCues(fresh, layout, layout.tracks[0])).rejects.toThrow('aborted');
  });
});
