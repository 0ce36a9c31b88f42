import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Clip {
  file: string;
  seconds: number;
  /** average bytes per second of media, for pacing a slow download */
  bytesPerSecond: number;
}

/**
 * A small moving test picture (320x240, 30 fps, VP8 at a steady 400 kbit/s) with a tone, long
 * enough for the whole run. Small so four decoding pages fit on two cores; steady bitrate so
 * a byte offset maps to a time, which the paced download of the stall needs.
 */
export function syncClip(dir: string, seconds = 150): Clip {
  const file = join(dir, `sync-${seconds}s.webm`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x240:rate=30',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000',
      '-t',
      String(seconds),
      '-c:v',
      'libvpx',
      '-b:v',
      '400k',
      '-minrate',
      '400k',
      '-maxrate',
      '400k',
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
  }
  return { file, seconds, bytesPerSecond: statSync(file).size / seconds };
}
