import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Test media, made with ffmpeg on first use into a gitignored folder. */
export const CLIP_DIR = join(dirname(fileURLToPath(import.meta.url)), '.clips');

/**
 * Two clips that differ in size and background colour, each with a white box sliding across,
 * so a receiver can tell which clip it shows (colour, size) and whether frames advance (the
 * box's position). 60 s, so no test sees one end.
 */
export const CLIPS = {
  blue: {
    file: join(CLIP_DIR, 'blue-320x240.webm'),
    width: 320,
    height: 240,
    colour: '0x0000ff',
    tone: 440,
  },
  red: {
    file: join(CLIP_DIR, 'red-352x288.webm'),
    width: 352,
    height: 288,
    colour: '0xff0000',
    tone: 660,
  },
} as const;
/**
 * The blue clip as HLS (H.264 and AAC in 2 s MPEG-TS segments, 30 s), the way a streaming site
 * serves it: a playlist beside its segments in the same folder.
 */
export const HLS_CLIP = {
  playlist: join(CLIP_DIR, 'blue-hls.m3u8'),
  duration: 30,
} as const;
/** Bytes no browser can play, under a video name. */
export const BAD_FILE = join(CLIP_DIR, 'not-a-video.webm');
/** A valid file with sound and no picture. */
export const AUDIO_ONLY = join(CLIP_DIR, 'audio-only.webm');

const BOX = 40;

function makeClip(clip: (typeof CLIPS)[keyof typeof CLIPS]): void {
  const size = `${clip.width}x${clip.height}`;
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `color=c=${clip.colour}:size=${size}:rate=30`,
    '-f',
    'lavfi',
    '-i',
    `color=c=white:size=${BOX}x${BOX}:rate=30`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${clip.tone}:sample_rate=48000`,
    '-filter_complex',
    `[0][1]overlay=x='mod(t*80,${clip.width - BOX})':y=${(clip.height - BOX) / 2}:shortest=1[v]`,
    '-map',
    '[v]',
    '-map',
    '2',
    '-t',
    '60',
    '-c:v',
    'libvpx',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-b:v',
    '300k',
    '-c:a',
    'libopus',
    '-b:a',
    '32k',
    clip.file,
  ]);
}

function makeHlsClip(): void {
  const clip = CLIPS.blue;
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    clip.file,
    '-t',
    String(HLS_CLIP.duration),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    // A keyframe every 2 s, so every segment starts with one.
    '-g',
    '60',
    '-keyint_min',
    '60',
    '-sc_threshold',
    '0',
    '-c:a',
    'aac',
    '-b:a',
    '64k',
    '-f',
    'hls',
    '-hls_time',
    '2',
    '-hls_list_size',
    '0',
    '-hls_playlist_type',
    'vod',
    '-hls_segment_filename',
    join(CLIP_DIR, 'blue-hls-%03d.ts'),
    HLS_CLIP.playlist,
  ]);
}

export function ensureClips(): void {
  mkdirSync(CLIP_DIR, { recursive: true });
  for (const clip of Object.values(CLIPS)) if (!existsSync(clip.file)) makeClip(clip);
  if (!existsSync(HLS_CLIP.playlist)) makeHlsClip();
  if (!existsSync(BAD_FILE)) {
    writeFileSync(
      BAD_FILE,
      Buffer.from('This is not a video, whatever its name says.\n'.repeat(200)),
    );
  }
  if (!existsSync(AUDIO_ONLY)) {
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=300:sample_rate=48000',
      '-t',
      '5',
      '-c:a',
      'libopus',
      AUDIO_ONLY,
    ]);
  }
}
