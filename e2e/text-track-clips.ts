import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ffmpeg, lavfi } from './ffmpeg';

/** Three cues, the second with markup, as an .srt file ffmpeg muxes into each container. */
export const PROBE_SRT = `1
00:00:00,500 --> 00:00:01,500
First line

2
00:00:02,000 --> 00:00:03,250
<i>Second</i> line
over two

3
00:00:03,500 --> 00:00:04,000
Third
`;

/** The containers and subtitle codecs a host's file may carry text in, as ffmpeg writes them. */
export const TEXT_TRACK_CLIPS = [
  { name: 'mkv-srt.mkv', video: 'libvpx', audio: 'libopus', subtitle: 'srt' },
  { name: 'mkv-webvtt.mkv', video: 'libvpx', audio: 'libopus', subtitle: 'webvtt' },
  { name: 'mkv-ass.mkv', video: 'libvpx', audio: 'libopus', subtitle: 'ass' },
  { name: 'webm-webvtt.webm', video: 'libvpx', audio: 'libopus', subtitle: 'webvtt' },
  { name: 'mp4-mov_text.mp4', video: 'libx264', audio: 'aac', subtitle: 'mov_text' },
] as const;

/**
 * A 5 s, 160x120 clip with a tone and PROBE_SRT as a subtitle track, in each of
 * TEXT_TRACK_CLIPS (made once into `dir`). Returns their paths by name.
 */
export function textTrackClips(dir: string): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const srt = join(dir, 'probe.srt');
  writeFileSync(srt, PROBE_SRT);
  const paths: Record<string, string> = {};
  for (const clip of TEXT_TRACK_CLIPS) {
    const file = join(dir, clip.name);
    paths[clip.name] = file;
    if (existsSync(file)) continue;
    ffmpeg([
      ...lavfi('testsrc=size=160x120:rate=30'),
      ...lavfi('sine=frequency=440:sample_rate=48000'),
      '-i',
      srt,
      '-map',
      '0:v',
      '-map',
      '1:a',
      '-map',
      '2:s',
      '-t',
      '5',
      '-c:v',
      clip.video,
      '-c:a',
      clip.audio,
      '-c:s',
      clip.subtitle,
      '-metadata:s:s:0',
      'language=eng',
      '-metadata:s:s:0',
      'title=English',
      file,
    ]);
  }
  return paths;
}
