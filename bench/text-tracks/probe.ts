import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../e2e/chromium';
import { TEXT_TRACK_CLIPS, textTrackClips } from '../../e2e/text-track-clips';
import { describeEnvironment, finishEnvironment, startEnvironment } from '../lib/environment';
import { writeResults } from '../lib/results';

/**
 * Does Debian's Chromium show the text tracks inside a file (issue 14 item 2)? Each clip of
 * TEXT_TRACK_CLIPS (ffmpeg-made: MKV with SRT, WebVTT and ASS, WebM with WebVTT, MP4 with
 * mov_text) plays from a blob: URL in a <video>, as a host's picked file does; the probe lists
 * video.textTracks with every track set to "hidden" (cues load only then), and the cues each
 * holds after playing past the last one. Prints what it saw and writes
 * bench/results/text-tracks.json.
 */
async function main(): Promise<void> {
  const environment = await startEnvironment({ chromium: true });
  const clips = textTrackClips(join('bench', '.clips', 'text-tracks'));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
  const version = browser.version();
  const found: Record<string, unknown> = {};
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>probe</title>');
    // tsx wraps named functions in __name(), which the page lacks (as in bench/lib/people.ts).
    await page.evaluate('globalThis.__name = (f) => f;');
    for (const { name } of TEXT_TRACK_CLIPS) {
      const path = clips[name];
      if (!path) continue;
      const base64 = readFileSync(path).toString('base64');
      found[name] = await page.evaluate(
        async ({ base64, name }) => {
          const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
          const type = name.endsWith('.mp4')
            ? 'video/mp4'
            : name.endsWith('.webm')
              ? 'video/webm'
              : 'video/x-matroska';
          const video = document.createElement('video');
          video.muted = true;
          document.body.append(video);
          const addedTracks: string[] = [];
          video.textTracks.addEventListener('addtrack', (e) => {
            const t = (e as TrackEvent).track;
            addedTracks.push(`${t?.kind}:${t?.label}:${t?.language}`);
          });
          video.src = URL.createObjectURL(new Blob([bytes], { type }));
          const opened = await new Promise<string>((resolve) => {
            video.onloadedmetadata = () => resolve('metadata');
            video.onerror = () => resolve(`error ${video.error?.code} ${video.error?.message}`);
            setTimeout(() => resolve('timeout'), 10_000);
          });
          for (const track of video.textTracks) track.mode = 'hidden';
          if (opened === 'metadata') {
            video.playbackRate = 4;
            await video.play().catch(() => undefined);
            await new Promise<void>((resolve) => {
              const done = () => resolve();
              video.onended = done;
              setTimeout(done, 8000);
            });
          }
          const tracks = [...video.textTracks].map((t) => ({
            kind: t.kind,
            label: t.label,
            language: t.language,
            cues: [...(t.cues ?? [])].map((c) => ({
              start: c.startTime,
              end: c.endTime,
              text: c instanceof VTTCue ? c.text : '',
            })),
          }));
          video.remove();
          return {
            canPlayType: video.canPlayType(type),
            opened,
            duration: video.duration,
            addedTracks,
            textTracks: tracks,
          };
        },
        { base64, name },
      );
      console.log(name, JSON.stringify(found[name]));
    }
  } finally {
    await browser.close();
  }
  console.log(describeEnvironment(environment));
  writeResults('text-tracks', finishEnvironment(environment), {
    chromium: version,
    clips: found,
  });
}

await main();
