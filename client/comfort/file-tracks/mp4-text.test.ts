import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { textTrackClips } from '../../../e2e/text-track-clips';
import { readMp4TextTracks, readMp4TrackCues } from './mp4-text';
import { SlicedReader } from './sliced-reader';
import { damagedCopies, PROBE_CUES, probeCues } from './test-files';

function reader(bytes: Uint8Array) {
  const asked: number[] = [];
  const r = new SlicedReader({
    size: bytes.length,
    read: async (offset, length) => {
      asked.push(length);
      return bytes.slice(offset, offset + length);
    },
  });
  return { r, asked };
}

async function read(bytes: Uint8Array) {
  const { r, asked } = reader(bytes);
  const tracks = await readMp4TextTracks(r);
  const results = [];
  for (const track of tracks ?? []) results.push(await readMp4TrackCues(r, track));
  return { tracks, results, asked };
}

describe('text tracks in MP4 (mov_text)', () => {
  let clips: Record<string, string> = {};
  beforeAll(() => {
    clips = textTrackClips(join(tmpdir(), 'lc-text-track-clips'));
  }, 60_000);

  it('finds the track and its three cues, reading the header and each sample alone', async () => {
    const bytes = readFileSync(clips['mp4-mov_text.mp4'] ?? '');
    const { tracks, results, asked } = await read(bytes);
    expect(tracks?.map((t) => [t.number, t.language])).toEqual([[3, 'eng']]);
    expect(probeCues(results[0])).toEqual(PROBE_CUES);
    // Box headers, the movie header, and the text samples: never the picture or the sound.
    expect(asked.reduce((n, a) => n + a, 0)).toBeLessThan(bytes.length / 4);
  });

  it('a Matroska file or text is not MP4', async () => {
    expect((await read(readFileSync(clips['mkv-srt.mkv'] ?? ''))).tracks).toBeNull();
    expect(
      (await read(new TextEncoder().encode('1\n00:00:01,000 --> 00:00:02,000\nHi\n'))).tracks,
    ).toBeNull();
  });

  it('never throws or hangs on a file with bytes changed or cut', async () => {
    const good = readFileSync(clips['mp4-mov_text.mp4'] ?? '');
    await fc.assert(
      fc.asyncProperty(damagedCopies(new Uint8Array(good), 16), async (bytes) => {
        const { results } = await read(bytes);
        for (const result of results)
          if (result.ok) expect(result.cues.length).toBeLessThan(20_000);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random bytes after an ftyp', async () => {
    const ftyp = new Uint8Array([
      0, 0, 0, 16, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 2, 0,
    ]);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        const whole = new Uint8Array(ftyp.length + bytes.length);
        whole.set(ftyp);
        whole.set(bytes, ftyp.length);
        await read(whole);
      }),
      { numRuns: 300 },
    );
  });
});
