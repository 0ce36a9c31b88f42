import { type ByteReader, declaresAudio } from './declared-audio';

/** Media time a video must play, unmuted, before no decoded sound counts as none. */
const PLAYED_SECONDS = 1.5;
const POLL_MS = 500;
/** Gives up watching after this long (a paused room, a muted person). */
const WATCH_MS = 120_000;

/** Chromium's count of audio bytes its decoder produced for this element (non-standard). */
type CountingVideo = HTMLVideoElement & { webkitAudioDecodedByteCount?: number };

/**
 * Whether `video` plays the file without its sound: its container declares a sound track, yet
 * after it has played a moment unmuted no audio was decoded (Chromium plays an MKV with AC-3 so,
 * the picture alone, with no error). False where the browser does not count decoded audio.
 */
export async function playsWithoutSound(
  video: CountingVideo,
  read: ByteReader,
  size: number,
): Promise<boolean> {
  if (video.webkitAudioDecodedByteCount === undefined) return false;
  if (!(await declaresAudio(read, size).catch(() => null))) return false;
  return new Promise((resolve) => {
    const started = performance.now();
    let played = 0;
    let last = video.currentTime;
    const timer = setInterval(() => {
      const advanced = video.currentTime - last;
      last = video.currentTime;
      if (!video.paused && !video.muted && advanced > 0 && advanced < 2 * (POLL_MS / 1000)) {
        played += advanced;
      }
      const decoded = video.webkitAudioDecodedByteCount ?? 0;
      const done = decoded > 0 || played >= PLAYED_SECONDS;
      if (done || performance.now() - started > WATCH_MS || !video.src) {
        clearInterval(timer);
        resolve(decoded === 0 && played >= PLAYED_SECONDS);
      }
    }, POLL_MS);
  });
}
