import { execFileSync } from 'node:child_process';

/** Runs Debian's ffmpeg quietly (errors only), overwriting its output: how every test clip is made. */
export function ffmpeg(args: readonly string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

/** An input ffmpeg generates itself from a filter graph (a colour, a tone, a test pattern). */
export const lavfi = (graph: string): string[] => ['-f', 'lavfi', '-i', graph];

/** H.264 as every clip codes it: fastest preset, the 4:2:0 pixels every browser decodes. */
export const x264 = (): string[] => [
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-pix_fmt',
  'yuv420p',
];
