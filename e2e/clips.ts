import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ffmpeg, lavfi, x264 } from './ffmpeg';

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
/**
 * The host's files shared in original quality (issue 12): H.264 and AAC, 60 s at about
 * 1 Mbit/s (30 chunks), the green picture with the sliding box. The MP4 keeps ffmpeg's default
 * layout, its index (moov) at the end; the MKV is the same streams in Matroska.
 */
export const SHARE_CLIPS = {
  mp4: { file: join(CLIP_DIR, 'green-640x360.mp4'), width: 640, height: 360, type: 'video/mp4' },
  mkv: {
    file: join(CLIP_DIR, 'green-640x360.mkv'),
    width: 640,
    height: 360,
    type: 'video/x-matroska',
  },
} as const;
/**
 * Files Debian's Chromium opens without an error but cannot fully play (issue 12): H.264 with
 * AC-3 sound in Matroska plays its picture in silence; HEVC plays its sound with a 0×0 picture.
 * 10 s, 320x240.
 */
export const UNDECODABLE_CLIPS = {
  ac3: { file: join(CLIP_DIR, 'ac3-sound.mkv'), width: 320, height: 240 },
  hevc: { file: join(CLIP_DIR, 'hevc-picture.mp4'), width: 320, height: 240 },
} as const;
/** Bytes no browser can play, under a video name. */
export const BAD_FILE = join(CLIP_DIR, 'not-a-video.webm');
/** A valid file with sound and no picture. */
export const AUDIO_ONLY = join(CLIP_DIR, 'audio-only.webm');
/**
 * Every fake microphone's sound (e2e/voice.spec.ts): 440 Hz swelling three times a second, so
 * noise suppression does not take it for a steady hum. A WAV, as Chromium's fake capture wants.
 */
export const VOICE_TONE = join(CLIP_DIR, 'voice-tone.wav');

const BOX = 40;

function makeClip(clip: (typeof CLIPS)[keyof typeof CLIPS]): void {
  const size = `${clip.width}x${clip.height}`;
  ffmpeg([
    ...lavfi(`color=c=${clip.colour}:size=${size}:rate=30`),
    ...lavfi(`color=c=white:size=${BOX}x${BOX}:rate=30`),
    ...lavfi(`sine=frequency=${clip.tone}:sample_rate=48000`),
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
  ffmpeg([
    '-i',
    clip.file,
    '-t',
    String(HLS_CLIP.duration),
    ...x264(),
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

function makeShareClips(): void {
  const { mp4, mkv } = SHARE_CLIPS;
  ffmpeg([
    ...lavfi(`color=c=0x00a000:size=${mp4.width}x${mp4.height}:rate=30`),
    ...lavfi(`color=c=white:size=${BOX}x${BOX}:rate=30`),
    ...lavfi('sine=frequency=550:sample_rate=48000'),
    '-filter_complex',
    `[0][1]overlay=x='mod(t*120,${mp4.width - BOX})':y=${(mp4.height - BOX) / 2}:shortest=1,noise=alls=12:allf=t[v]`,
    '-map',
    '[v]',
    '-map',
    '2',
    '-t',
    '60',
    ...x264(),
    '-b:v',
    '1000k',
    '-g',
    '60',
    '-c:a',
    'aac',
    '-b:a',
    '64k',
    mp4.file,
  ]);
  ffmpeg(['-i', mp4.file, '-c', 'copy', mkv.file]);
}

function makeUndecodableClips(): void {
  const { ac3, hevc } = UNDECODABLE_CLIPS;
  const common = [
    ...lavfi(`testsrc=size=${ac3.width}x${ac3.height}:rate=30`),
    ...lavfi('sine=frequency=440:sample_rate=48000'),
    ...['-t', '10'],
  ];
  ffmpeg([...common, ...x264(), ...['-c:a', 'ac3', '-b:a', '96k', ac3.file]]);
  ffmpeg([
    ...common,
    ...['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error'],
    ...['-tag:v', 'hvc1', '-pix_fmt', 'yuv420p', '-c:a', 'aac', hevc.file],
  ]);
}

export function ensureClips(): void {
  mkdirSync(CLIP_DIR, { recursive: true });
  for (const clip of Object.values(CLIPS)) if (!existsSync(clip.file)) makeClip(clip);
  if (!existsSync(HLS_CLIP.playlist)) makeHlsClip();
  if (!existsSync(SHARE_CLIPS.mkv.file)) makeShareClips();
  if (!existsSync(UNDECODABLE_CLIPS.hevc.file)) makeUndecodableClips();
  if (!existsSync(BAD_FILE)) {
    writeFileSync(
      BAD_FILE,
      Buffer.from('This is not a video, whatever its name says.\n'.repeat(200)),
    );
  }
  if (!existsSync(AUDIO_ONLY)) {
    makeSound('sine=frequency=300:sample_rate=48000', ['-t', '5', '-c:a', 'libopus'], AUDIO_ONLY);
  }
  ensureVoiceTone();
}

/** The fake microphones' WAV alone (bench/voice needs no other clip). */
export function ensureVoiceTone(): void {
  if (existsSync(VOICE_TONE)) return;
  mkdirSync(CLIP_DIR, { recursive: true });
  makeSound('aevalsrc=0.6*sin(2*PI*440*t)*(0.55+0.45*sin(2*PI*3*t)):s=48000:d=30', [], VOICE_TONE);
}

function makeSound(source: string, output: string[], file: string): void {
  ffmpeg([...lavfi(source), ...output, file]);
}
