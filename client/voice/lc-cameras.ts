import { make, shadowWith } from '../comfort/element';

const CSS = `
:host { display: block; }
:host([hidden]) { display: none; }
.tiles { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-top: 0.5rem; }
figure { margin: 0; width: 9rem; }
video { width: 100%; aspect-ratio: 4 / 3; background: #000; border-radius: var(--lc-radius); }
figcaption { font-size: 0.85rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
summary { cursor: pointer; }
.voices { display: none; }
`;

/** Narrower than this, camera tiles stay folded until the person opens them (a phone's screen). */
const WIDE_ENOUGH = '(min-width: 40rem)';

/**
 * Small camera tiles beside the chat, one per person whose camera is on, and (unseen) the audio
 * element that plays each person's voice. A plain element: this chunk shares no code with the
 * first page (see comfort/element.ts).
 */
export class LcCameras extends HTMLElement {
  readonly #details = make('details');
  readonly #summary = make('summary');
  readonly #tiles = make('div', { className: 'tiles' });
  readonly #voices = make('div', { className: 'voices' });
  readonly #figures = new Map<string, HTMLElement>();
  readonly #audios = new Map<string, HTMLAudioElement>();

  constructor() {
    super();
    this.#details.open = matchMedia(WIDE_ENOUGH).matches;
    this.#details.append(this.#summary, this.#tiles);
    shadowWith(this, CSS).append(this.#details, this.#voices);
    this.#refresh();
  }

  /** Shows `name`'s camera, or takes its tile away (null). */
  camera(peerId: string, name: string, track: MediaStreamTrack | null): void {
    this.#figures.get(peerId)?.remove();
    this.#figures.delete(peerId);
    if (track) {
      const video = make('video', {
        autoplay: true,
        muted: true,
        playsInline: true,
        srcObject: new MediaStream([track]),
      });
      video.setAttribute('aria-label', `Camera of ${name}`);
      const figure = make('figure', {}, video, make('figcaption', {}, name));
      this.#figures.set(peerId, figure);
      this.#tiles.append(figure);
    }
    this.#refresh();
  }

  /** Plays `name`'s voice at `volume`, or stops it (null). */
  voice(peerId: string, name: string, track: MediaStreamTrack | null, volume: number): void {
    const old = this.#audios.get(peerId);
    if (old) {
      old.srcObject = null;
      old.remove();
      this.#audios.delete(peerId);
    }
    if (!track) return;
    const audio = make('audio', { autoplay: true, srcObject: new MediaStream([track]), volume });
    audio.setAttribute('aria-label', `Voice of ${name}`);
    audio.play().catch(() => {
      // Autoplay refused until the person interacts; the next click anywhere plays it.
      addEventListener('pointerdown', () => void audio.play().catch(() => {}), { once: true });
    });
    this.#audios.set(peerId, audio);
    this.#voices.append(audio);
  }

  setVolume(peerId: string, volume: number): void {
    const audio = this.#audios.get(peerId);
    if (audio) audio.volume = volume;
  }

  #refresh(): void {
    this.hidden = this.#figures.size === 0;
    this.#summary.textContent = `Cameras (${this.#figures.size})`;
  }
}

if (!customElements.get('lc-cameras')) customElements.define('lc-cameras', LcCameras);

declare global {
  interface HTMLElementTagNameMap {
    'lc-cameras': LcCameras;
  }
}
