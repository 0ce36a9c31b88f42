import type { PeerMessage } from '../../shared/peer-messages';
import { SubtitleAssembly } from '../../shared/subtitles/assembly';
import type { Cue } from '../../shared/subtitles/cue';
import { decodeSubtitleFile } from '../../shared/subtitles/decode';
import { SUBTITLE_FILE_MAX_BYTES } from '../../shared/subtitles/limits';
import type { SubtitlesPage } from '../../shared/subtitles/messages';
import { subtitlePages } from '../../shared/subtitles/pages';
import { parseSubtitles } from '../../shared/subtitles/parse';
import { makeTrack, type Track, textAt } from '../../shared/subtitles/track';
import { targetPosition } from '../../shared/sync/target';
import type { MeshController, MeshListener } from '../mesh/mesh-controller';
import type { LcPlayer } from '../room/lc-player';
import { now } from '../util/clock';
import { randomId } from '../util/random-id';
import { adoptProperties, make, shadowWith } from './element';
import { FileTrackChoice } from './file-track-choice';
import { forgetSubtitles, keepSubtitles, keptSubtitles } from './kept-subtitles';
import { overlayIn } from './lc-overlay';
import { MeshElement } from './mesh-element';
import { sendPaced } from './paced';
import { REFUSED } from './subtitle-refusals';
import {
  loadSubtitleSettings,
  readDelay,
  SUBTITLE_SIZES,
  type SubtitleSettings,
  type SubtitleSize,
  saveSubtitleSettings,
} from './subtitle-settings';

const CSS = `
:host { display: block; margin-top: 0.5rem; }
[role='group'] { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; }
label, .field {
  display: inline-flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; max-width: 100%;
}
/* A file input is wider than a phone's column by itself. */
input[type='file'] { max-width: 100%; min-width: 0; }
input[type='number'] { width: 5rem; }
input, select, button { font: inherit; }
button {
  padding: 0.25rem 0.5rem; cursor: pointer; border: 1px solid var(--lc-border);
  border-radius: var(--lc-radius); background: var(--lc-surface); color: CanvasText;
}
:focus-visible { outline: 3px solid var(--lc-accent); outline-offset: 2px; }
[hidden] { display: none !important; }
p { margin: 0; flex-basis: 100%; }
p:empty { display: none; }
.error { color: var(--lc-danger); }
`;

/** How often the subtitle on show is looked up again, ms (a tenth of a second, the delay's step). */
const TICK_MS = 100;

/**
 * Subtitles over everyone's video. The host picks a "Subtitles file" (.srt or .vtt), read and
 * checked here, and sends its cues in pages to every member, to late joiners and reconnecting
 * ones too; guests take pages from the host only (the mesh's message policy). Each person
 * shows them or not, with their own delay and size, kept on this device per user. The cue is
 * drawn in the player's overlay, not as a <track>: a live stream carries no text tracks, and
 * the overlay goes full screen with the picture. Its time is the player's own <video> where
 * there is one, else the host's position from sync (a live stream, YouTube). The host keeps its
 * cues in this tab's sessionStorage, so a reload of its page shows them to everyone again.
 */
export class LcSubtitles extends MeshElement {
  /** The signed-in user: whose settings these are on this device. */
  userId = '';
  /** The room, under which the host keeps its subtitles for a reload. */
  roomId = '';
  #settings: SubtitleSettings | null = null;
  #track: Track | null = null;
  /** The host's own pages, for members who connect later. */
  #pages: SubtitlesPage[] = [];
  readonly #assembly = new SubtitleAssembly();
  readonly #sending = new Set<() => void>();
  #ticker: ReturnType<typeof setInterval> | undefined;
  /** Where the room's controls are: the host's "Choose video file" fires there. */
  #room: Node | null = null;

  readonly #hostPart = make('div', { role: 'group', ariaLabel: 'Subtitles for everyone' });
  readonly #file = make('input', {
    type: 'file',
    accept: '.srt,.vtt,text/vtt,application/x-subrip',
  });
  readonly #remove = make('button', { type: 'button', hidden: true }, 'Remove subtitles');
  readonly #show = make('input', { type: 'checkbox' });
  readonly #delay = make('input', { type: 'number', step: '0.1', inputMode: 'decimal' });
  readonly #size = make('select');
  readonly #status = make('p', { role: 'status', ariaLive: 'polite' });
  readonly #error = make('p', { className: 'error', role: 'alert' });
  readonly #fileTrack = new FileTrackChoice({
    status: this.#status,
    error: this.#error,
    use: (cues, name) => {
      keepSubtitles(sessionStorage, this.roomId, name, cues);
      if (this.mesh?.isHost) this.#share(this.mesh, cues, name);
    },
    none: () => this.#removeSubtitles(),
  });

  constructor() {
    super();
    for (const [value, label] of Object.entries(SUBTITLE_SIZES)) {
      this.#size.append(make('option', { value }, label));
    }
    this.#hostPart.append(field('Subtitles file', this.#file), this.#fileTrack.field, this.#remove);
    const own = make(
      'div',
      { role: 'group', ariaLabel: 'Subtitles' },
      make('label', {}, this.#show, 'Show subtitles'),
      field('Subtitle delay', this.#delay, 's'),
      field('Subtitle size', this.#size),
      this.#status,
    );
    this.#file.addEventListener('change', () => void this.#onFile());
    this.#remove.addEventListener('click', () => this.#removeSubtitles());
    this.#show.addEventListener('change', () => this.#change({ show: this.#show.checked }));
    // Each step applies at once; once the field is left, it shows the delay in use.
    this.#delay.addEventListener('input', () => {
      const delay = readDelay(this.#delay.value);
      if (delay !== null) this.#change({ delay });
    });
    this.#delay.addEventListener('change', () => {
      this.#delay.value = String(this.#own().delay);
    });
    this.#size.addEventListener('change', () => {
      const size = this.#size.value;
      if (isSize(size)) this.#change({ size });
    });
    shadowWith(this, CSS).append(this.#hostPart, this.#error, own);
    adoptProperties(this, ['mesh', 'userId', 'roomId']);
  }

  connectedCallback(): void {
    this.listen();
    this.#room = this.getRootNode();
    this.#room.addEventListener('lc-file-chosen', this.#onVideoFile);
    this.#restore();
    this.#showSettings();
    this.#ticker = setInterval(() => this.#tick(), TICK_MS);
  }

  disconnectedCallback(): void {
    clearInterval(this.#ticker);
    this.#room?.removeEventListener('lc-file-chosen', this.#onVideoFile);
    this.#fileTrack.stop();
    this.unlisten();
    this.#stopSending();
  }

  protected override listener(mesh: MeshController): MeshListener {
    return {
      message: (_from, message) => this.hear(message),
      hostChanged: (_host, previous) => {
        if (!mesh.isHost) {
          // Handed on: the new host has them now, and a reload here must not send them again.
          if (previous !== null && previous === mesh.selfPeerId)
            forgetSubtitles(sessionStorage, this.roomId);
          return;
        }
        this.#restore();
        // Handed the room, we hand on the subtitles we were shown, to members who come later.
        if (this.#pages.length > 0 || !this.#track) return;
        this.#assembly.reset();
        this.#pages = subtitlePages(randomId(), this.#track.cues);
        keepSubtitles(sessionStorage, this.roomId, '', [...this.#track.cues]);
        this.#remove.hidden = false;
      },
      // Left or closed: nothing to bring back (a reload does not end the room, it only unloads).
      ended: () => forgetSubtitles(sessionStorage, this.roomId),
      linkReady: (member) => {
        if (!mesh.isHost) return;
        if (this.#pages.length === 0) mesh.send(member.peerId, { type: 'subtitles-off' });
        else this.#send((page) => mesh.send(member.peerId, page));
      },
    };
  }

  // The host's file

  async #onFile(): Promise<void> {
    const file = this.#file.files?.[0];
    if (!file || !this.mesh?.isHost) return;
    this.#error.textContent = '';
    const refuse = (reason: string) => {
      this.#error.textContent = `“${file.name}” ${REFUSED[reason] ?? 'cannot be read'}.`;
      this.#file.value = '';
    };
    // Refused before reading: a huge file is never loaded into memory.
    if (file.size > SUBTITLE_FILE_MAX_BYTES) return refuse('too-large');
    const decoded = decodeSubtitleFile(new Uint8Array(await file.arrayBuffer()));
    if (!decoded.ok) return refuse(decoded.reason);
    const parsed = parseSubtitles(decoded.text);
    if (!parsed.ok) return refuse(parsed.reason);
    keepSubtitles(sessionStorage, this.roomId, file.name, parsed.cues);
    this.#fileTrack.clear();
    this.#share(this.mesh, parsed.cues, file.name);
  }

  // Text tracks inside the host's video file

  readonly #onVideoFile = (event: Event): void => {
    const file: unknown = event instanceof CustomEvent ? event.detail?.file : null;
    if (file instanceof File && this.mesh?.isHost) void this.#fileTrack.offer(file);
  };

  /** The host's page came back (a reload): the subtitles it kept go to everyone again. */
  #restore(): void {
    const mesh = this.mesh;
    if (!mesh?.isHost || this.#pages.length > 0 || this.#track) return;
    const kept = keptSubtitles(sessionStorage, this.roomId);
    if (kept) this.#share(mesh, kept.cues, kept.name);
  }

  /** Shows `cues` here and sends them to every member connected now (linkReady: the rest). */
  #share(mesh: MeshController, cues: Cue[], name: string): void {
    this.#stopSending();
    this.#pages = subtitlePages(randomId(), cues);
    this.#send((page) => mesh.broadcast(page));
    this.#use(
      cues,
      name ? `Subtitles from “${name}” are shown to everyone` : 'Subtitles are shown to everyone',
    );
  }

  #removeSubtitles(): void {
    forgetSubtitles(sessionStorage, this.roomId);
    this.#fileTrack.clear();
    this.#stopSending();
    this.#pages = [];
    this.mesh?.broadcast({ type: 'subtitles-off' });
    this.#file.value = '';
    this.#use(null, '');
  }

  #send(send: (page: SubtitlesPage) => void): void {
    const stop = sendPaced(this.#pages, send);
    this.#sending.add(stop);
  }

  #stopSending(): void {
    for (const stop of this.#sending) stop();
    this.#sending.clear();
  }

  // A guest's side

  /** A subtitles message from the host (the mesh's policy lets no one else's through). */
  hear(message: PeerMessage): void {
    if (this.mesh?.isHost) return;
    if (message.type === 'subtitles') {
      const cues = this.#assembly.add(message);
      if (cues) this.#use(cues, 'The host shared subtitles');
    } else if (message.type === 'subtitles-off') {
      this.#assembly.reset();
      this.#use(null, this.#track ? 'The host removed the subtitles.' : '');
    }
  }

  #use(cues: Cue[] | null, said: string): void {
    this.#track = cues ? makeTrack(cues) : null;
    const lines = cues?.length === 1 ? '1 line' : `${cues?.length} lines`;
    this.#status.textContent = cues ? `${said} (${lines}).` : said;
    this.#remove.hidden = this.#pages.length === 0;
    this.#tick();
  }

  // Each person's own settings

  #own(): SubtitleSettings {
    this.#settings ??= loadSubtitleSettings(localStorage, this.userId);
    return this.#settings;
  }

  #change(change: Partial<SubtitleSettings>): void {
    this.#settings = { ...this.#own(), ...change };
    saveSubtitleSettings(localStorage, this.userId, this.#settings);
    this.#tick();
  }

  #showSettings(): void {
    const settings = this.#own();
    this.#show.checked = settings.show;
    this.#delay.value = String(settings.delay);
    this.#size.value = settings.size;
  }

  // Drawing

  #tick(): void {
    this.#hostPart.hidden = !this.mesh?.isHost;
    const player = this.parentElement?.querySelector('lc-player');
    if (!player) return;
    const settings = this.#own();
    const time = this.#track && settings.show ? mediaTime(player) : null;
    const text = this.#track && time !== null ? textAt(this.#track, time - settings.delay) : '';
    // No overlay is added while there is nothing to show.
    if (text || player.querySelector('lc-overlay')) overlayIn(player).showCue(text, settings.size);
  }
}

/**
 * A control with its label beside it (`for`, not wrapped: a wrapped control's value would join
 * its accessible name), and a unit after it.
 */
function field(name: string, control: HTMLElement, unit = ''): HTMLElement {
  control.id = name.toLowerCase().replace(/ /g, '-');
  return make(
    'span',
    { className: 'field' },
    make('label', { htmlFor: control.id }, name),
    control,
    unit,
  );
}

function isSize(value: string): value is SubtitleSize {
  return Object.hasOwn(SUBTITLE_SIZES, value);
}

/**
 * Where the player's video is, s: its own <video> (the host's, a URL, a file, an own copy),
 * else the host's position from sync (a guest's live stream, YouTube); null when idle.
 */
function mediaTime(player: LcPlayer): number | null {
  const video = player.shadowRoot?.querySelector('video:not([hidden]):not(.remote)');
  if (video instanceof HTMLVideoElement) return video.currentTime;
  const sync = player.sync;
  if (!sync || sync.source.kind === 'none') return null;
  return targetPosition(sync, now() + player.clockOffset);
}

customElements.define('lc-subtitles', LcSubtitles);

declare global {
  interface HTMLElementTagNameMap {
    'lc-subtitles': LcSubtitles;
  }
}
