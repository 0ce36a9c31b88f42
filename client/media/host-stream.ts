import { capLiveVideo } from '../mesh/live-encoding';
import type { MediaKind, OutgoingMedia } from '../mesh/peer-link';
import { probeVideo } from './probe-video';

export type OpenResult = { ok: true } | { ok: false; message: string };

export interface HostStreamListener {
  /** The tracks guests should receive changed (a new file, or its tracks appeared). */
  media(media: OutgoingMedia): void;
  /** Play, pause, seek, rate or source changed. */
  playback(): void;
  /** The chosen file failed while playing (it passed the probe but broke later). */
  failed(message: string): void;
  /** The shared screen ended (the browser's own stop button, or the window closed). */
  screenEnded(): void;
}

declare global {
  interface HTMLMediaElement {
    /** Chromium and Firefox (as mozCaptureStream); absent from TypeScript's DOM types. */
    captureStream?(): MediaStream;
  }
}

// Old tracks keep a few frames in flight through replaceTrack; stop them a moment later.
const STOP_OLD_TRACK_AFTER_MS = 1000;
// The new file's tracks are added in their own tasks around loadeddata; give them time to come.
const STALE_CHECK_AFTER_MS = 1000;
const PLAYBACK_EVENTS = ['play', 'pause', 'seeked', 'ratechange', 'loadedmetadata', 'ended'];

/**
 * The host's local file in its own <video>, captured as a MediaStream for guests. The file is
 * never uploaded: it becomes a blob: URL, and only captured frames leave the page.
 *
 * captureStream() adds NEW tracks to the same stream whenever the source changes and leaves
 * the old ones live (PLATFORM.md), so each kind's newest track is what we send, and the one it
 * replaces is stopped.
 */
export class HostStream {
  readonly video: HTMLVideoElement;
  /** The chosen file's name, once it plays (or what the screen share is called). */
  name: string | null = null;
  /** What plays is our screen (getDisplayMedia), sent as it is rather than captured. */
  screen: MediaStream | null = null;
  #capture: MediaStream | null = null;
  #tracks: Partial<Record<MediaKind, MediaStreamTrack>> = {};
  #trackSource = new WeakMap<MediaStreamTrack, number>();
  #source = 0;
  #url: string | null = null;

  constructor(private readonly listener: HostStreamListener) {
    this.video = document.createElement('video');
    this.video.controls = true;
    this.video.playsInline = true;
    this.video.setAttribute('aria-label', 'Video player');
    for (const type of PLAYBACK_EVENTS)
      this.video.addEventListener(type, () => listener.playback());
    this.video.addEventListener('error', () => {
      if (this.name)
        listener.failed(`${this.name} stopped playing: the browser could not decode it.`);
    });
    // A source whose tracks all came with the new file no longer needs the old file's leftovers.
    this.video.addEventListener('loadeddata', () => {
      setTimeout(() => this.#dropStaleTracks(), STALE_CHECK_AFTER_MS);
    });
  }

  /** Opens a local file if this browser can show it; otherwise nothing changes. */
  async open(file: File): Promise<OpenResult> {
    const url = URL.createObjectURL(file);
    const probe = await probeVideo(url);
    if (!probe.ok) {
      URL.revokeObjectURL(url);
      return probe;
    }
    if (!this.video.captureStream) {
      URL.revokeObjectURL(url);
      return { ok: false, message: 'This browser cannot stream a video file to guests.' };
    }
    if (!this.#capture) {
      this.#capture = this.video.captureStream();
      this.#capture.addEventListener('addtrack', (e) => this.#onTrack(e.track));
    }
    this.#stopScreen();
    this.#source += 1;
    const previousUrl = this.#url;
    this.#url = url;
    this.name = file.name;
    this.video.src = url;
    if (previousUrl) URL.revokeObjectURL(previousUrl);
    this.video.play().catch(() => {
      // Autoplay refused: the host presses play in the native controls.
    });
    this.listener.playback();
    return { ok: true };
  }

  /**
   * Shows a screen (or tab, or window) and sends its tracks to guests as they are: no capture of
   * our own <video>, no second encode. Its end (the browser's stop button) is reported.
   */
  openScreen(screen: MediaStream, name: string): void {
    this.#stopScreen();
    this.video.removeAttribute('src');
    if (this.#url) URL.revokeObjectURL(this.#url);
    this.#url = null;
    this.#source += 1;
    this.screen = screen;
    this.name = name;
    this.video.srcObject = screen;
    this.video.muted = true; // the tab's sound is already playing on this computer
    const video = screen.getVideoTracks()[0];
    video?.addEventListener('ended', () => {
      if (this.screen === screen) this.listener.screenEnded();
    });
    const old = Object.values(this.#tracks);
    this.#tracks = { video, audio: screen.getAudioTracks()[0] };
    for (const track of old) this.#retire(track);
    this.listener.media({ stream: screen, tracks: this.#tracks, limitVideo: capLiveVideo });
    this.video.play().catch(() => {});
    this.listener.playback();
  }

  #stopScreen(): void {
    const screen = this.screen;
    if (!screen) return;
    this.screen = null;
    this.video.srcObject = null;
    this.video.muted = false;
    for (const track of screen.getTracks()) track.stop();
    // The file that comes next brings its own captured tracks.
    this.#tracks = {};
  }

  dispose(): void {
    this.#stopScreen();
    for (const track of this.#capture?.getTracks() ?? []) track.stop();
    this.video.removeAttribute('src');
    this.video.load();
    if (this.#url) URL.revokeObjectURL(this.#url);
    this.#url = null;
  }

  #onTrack(track: MediaStreamTrack): void {
    const kind = track.kind === 'audio' ? 'audio' : 'video';
    this.#trackSource.set(track, this.#source);
    const old = this.#tracks[kind];
    this.#tracks = { ...this.#tracks, [kind]: track };
    this.#publish();
    if (old && old !== track) this.#retire(old);
  }

  /** Kinds the new file did not bring (e.g. no audio) stop sending the old file's track. */
  #dropStaleTracks(): void {
    let changed = false;
    const next = { ...this.#tracks };
    for (const kind of ['audio', 'video'] as const) {
      const track = next[kind];
      if (track && this.#trackSource.get(track) !== this.#source) {
        delete next[kind];
        this.#retire(track);
        changed = true;
      }
    }
    if (!changed) return;
    this.#tracks = next;
    this.#publish();
  }

  #retire(track: MediaStreamTrack): void {
    setTimeout(() => track.stop(), STOP_OLD_TRACK_AFTER_MS);
  }

  #publish(): void {
    if (this.#capture) {
      this.listener.media({
        stream: this.#capture,
        tracks: this.#tracks,
        limitVideo: capLiveVideo,
      });
    }
  }
}
