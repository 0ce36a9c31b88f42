export type ProbeResult =
  | { ok: true; duration: number | null; width: number; height: number }
  | { ok: false; message: string };

const PROBE_TIMEOUT_MS = 15_000;

/**
 * Loads a file's metadata in a detached <video> to learn whether this browser can show it,
 * before the host's player or any guest is touched.
 */
export function probeVideo(url: string): Promise<ProbeResult> {
  const video = document.createElement('video');
  video.preload = 'metadata';
  video.muted = true;
  return new Promise<ProbeResult>((resolve) => {
    const done = (result: ProbeResult): void => {
      clearTimeout(timer);
      video.removeAttribute('src');
      video.load();
      resolve(result);
    };
    const timer = setTimeout(
      () => done({ ok: false, message: 'The file did not load in time. Try another file.' }),
      PROBE_TIMEOUT_MS,
    );
    video.addEventListener('loadedmetadata', () => {
      if (video.videoWidth === 0 || video.videoHeight === 0) {
        done({
          ok: false,
          message: 'This file has no video this browser can show. Try another file.',
        });
        return;
      }
      const duration = Number.isFinite(video.duration) ? video.duration : null;
      done({ ok: true, duration, width: video.videoWidth, height: video.videoHeight });
    });
    video.addEventListener('error', () =>
      done({ ok: false, message: 'This browser cannot play this file. Try a WebM or MP4 video.' }),
    );
    video.src = url;
  });
}
