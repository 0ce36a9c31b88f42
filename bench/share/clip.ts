import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpeg, lavfi, x264 } from '../../e2e/ffmpeg';

/** Where the bench's clips are made once and kept between runs (they take a minute to make). */
export const SHARE_CLIP_DIR = join(tmpdir(), 'lc-bench-share');

/** The film's picture: the 720p, or a small one with the same bytes (see shareClip). */
export type SharePicture = '1280x720' | '320x180';

/**
 * A 60 s H.264/AAC MP4 at about 4 Mbit/s, the size of a film a host would share: 1280x720, or
 * 320x180 (same bytes, same chunks, a sixth of the pixels to decode) to tell the decoders' share
 * of a crowded machine from the swarm's; on 2 cores it freed little (docs/benchmarks.md). Moving test patterns with noise keep x264 from coding it far below
 * its target bitrate; the index (moov) stays at the end, ffmpeg's default, the harder case for
 * a first frame. A keyframe every 2 s.
 */
export function shareClip(picture: SharePicture = '1280x720'): string {
  const file = join(SHARE_CLIP_DIR, `testsrc-${picture}-4M.mp4`);
  if (existsSync(file)) return file;
  mkdirSync(SHARE_CLIP_DIR, { recursive: true });
  ffmpeg([
    // The small picture needs more noise per pixel to carry the same bitrate.
    ...lavfi(
      `testsrc2=size=${picture}:rate=30,noise=alls=${picture === '1280x720' ? 10 : 60}:allf=t`,
    ),
    ...lavfi('sine=frequency=440:sample_rate=48000'),
    '-t',
    '60',
    ...x264(),
    '-b:v',
    '3900k',
    '-maxrate',
    '4500k',
    '-bufsize',
    '8000k',
    '-g',
    '60',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    file,
  ]);
  return file;
}

/** The clip repeated `copies` times without re-encoding (34 copies: about 1 GB, 34 minutes). */
export function bigClip(clip: string, copies: number): string {
  const file = clip.replace(/\.mp4$/, `-x${copies}.mp4`);
  if (existsSync(file)) return file;
  ffmpeg(['-stream_loop', String(copies - 1), '-i', clip, '-c', 'copy', file]);
  return file;
}
