import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLIP_DIR } from '../../e2e/clips';
import { ffmpeg, lavfi } from '../../e2e/ffmpeg';

/**
 * A small moving test picture (320x240, 30 fps) with a tone, long enough for the whole run,
 * made on first use into the e2e clip folder (served by e2e/clip-server.ts). Small so five
 * decoding pages fit on two cores; grainy at a steady 1.5 Mbit/s so that Chromium, which
 * reads about 20-30 s ahead of a file this size, must fetch again after a long seek (a
 * smaller file is read whole at once and no seek could wait for data).
 */
export function syncClip(seconds = 150): string {
  const file = join(CLIP_DIR, `sync-${seconds}s-1500k.webm`);
  if (existsSync(file)) return file;
  mkdirSync(CLIP_DIR, { recursive: true });
  ffmpeg([
    ...lavfi('testsrc=size=320x240:rate=30'),
    ...lavfi('sine=frequency=440:sample_rate=48000'),
    '-t',
    String(seconds),
    '-vf',
    'noise=alls=12:allf=t',
    '-c:v',
    'libvpx',
    '-b:v',
    '1500k',
    '-minrate',
    '1500k',
    '-maxrate',
    '1500k',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-c:a',
    'libopus',
    '-b:a',
    '32k',
    file,
  ]);
  return file;
}
