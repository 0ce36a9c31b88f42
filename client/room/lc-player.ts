import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { PeerMessageOf } from '../../shared/peer-messages';
import { targetPosition } from '../../shared/sync/target';
import type { SyncMessage } from '../sync/guest-sync';
import { baseStyles } from '../ui/styles';
import { now } from '../util/clock';
import { formatDuration } from '../util/format';
import { listChanged } from '../util/list-changed';

export interface ControlDetail {
  action: PeerMessageOf<'control'>['action'];
  position?: number;
}

/**
 * The video and what is playing. The host's own player (with native controls) is handed in;
 * a guest's shows the host's stream or its own player for the host's URL, with a Play / Unmute
 * button when autoplay is refused and control requests when the host allows them.
 * @fires lc-control - a guest asks the host to play, pause or seek
 * @fires lc-retry-play - a guest pressed Play after the browser refused to start the URL player
 */
@customElement('lc-player')
export class LcPlayer extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .screen {
        position: relative;
        background: #000;
        aspect-ratio: 16 / 9;
        border-radius: var(--lc-radius);
        overflow: hidden;
        display: grid;
        place-items: center;
      }
      .screen > [hidden] {
        display: none;
      }
      video,
      .youtube,
      .youtube iframe {
        width: 100%;
        height: 100%;
        object-fit: contain;
        display: block;
      }
      .placeholder {
        color: #e5e7eb;
        padding: 1rem;
        text-align: center;
      }
      .overlay {
        position: absolute;
        inset: auto 0 1rem 0;
        display: flex;
        justify-content: center;
      }
      .info {
        margin: 0.5rem 0;
        display: flex;
        gap: 0.75rem;
        flex-wrap: wrap;
        align-items: baseline;
      }
      .source {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      input[type='range'] {
        flex: 1 1 10rem;
      }
    `,
  ];

  /** 'host' shows `media`; 'guest' shows `media` for a URL, shared-file or own-copy source, else `stream`. */
  @property() mode: 'host' | 'guest' = 'guest';
  /** Players to show as they are; the host's may include one still loading, hidden. */
  @property({ attribute: false, hasChanged: listChanged }) media: readonly HTMLElement[] = [];
  @property({ attribute: false }) stream: MediaStream | null = null;
  /** The source's length where the sync may not say (URL and own-copy sources), s. */
  @property({ attribute: false }) duration: number | null = null;
  /** Why the guest's URL player waits for a click, if it does. */
  @property({ attribute: false }) blocked: string | null = null;
  /** The latest playback state: the one the host sent, or (on the host) the one it last sent. */
  @property({ attribute: false }) sync: SyncMessage | null = null;
  /** Host clock minus ours, ms. */
  @property({ type: Number }) clockOffset = 0;
  /** What to say when there is nothing to show. */
  @property() idleText = 'Nothing is playing yet.';
  /** How much of the host's shared file this guest holds, in chunks. */
  @property({ attribute: false }) received: { held: number; chunks: number } | null = null;

  @state() private _blocked: 'none' | 'muted' | 'play' = 'none';
  @query('video.remote') private _remote?: HTMLVideoElement;
  #ticker: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    // The position moves between syncs; redraw it twice a second.
    this.#ticker = setInterval(() => {
      if (this.sync && !this.sync.paused) this.requestUpdate();
    }, 500);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#ticker);
  }

  override render() {
    // Room overlays (client/comfort: reactions, controls in full screen) are slotted over the
    // picture, and `.screen` is what goes full screen.
    return html`<div class="screen">${this._renderScreen()}<slot></slot></div>
      ${this._renderInfo()} ${this.mode === 'guest' ? this._renderGuestControls() : nothing}`;
  }

  private _renderScreen() {
    const kind = this.sync?.source.kind;
    const shown = this.mode === 'host' || kind === 'url' || kind === 'local' || kind === 'file';
    if (shown && this.media.length > 0) {
      // Keyed: an element that stays is never moved, which would reload YouTube's iframe.
      return html`${repeat(
        this.media,
        (element) => element,
        (element) => element,
      )}${this.blocked ? this._renderOverlay('Play', this._onRetryPlay) : nothing}`;
    }
    // 'none': the host stopped its stream (a screen share ended); its last picture is no video.
    if (shown || !this.stream || kind === 'none') {
      return html`<p class="placeholder">${this.idleText}</p>`;
    }
    // srcObject is set in updated(): Lit re-sets an object bound as a property on every render,
    // and each assignment makes the <video> start over (main-thread work and a visible stall).
    return html`<video class="remote" aria-label="Video from the host" autoplay playsinline></video>
      ${
        this._blocked === 'none'
          ? nothing
          : this._renderOverlay(this._blocked === 'muted' ? 'Unmute' : 'Play', this._onUnblock)
      }`;
  }

  private _renderOverlay(label: string, onClick: () => void) {
    return html`<div class="overlay">
      <button class="primary" type="button" @click=${onClick}>${label}</button>
    </div>`;
  }

  private _renderInfo() {
    const sync = this.sync;
    if (!sync || sync.source.kind === 'none') return nothing;
    const duration = this._duration(sync);
    const name = sync.source.kind === 'url' ? sync.source.url : sync.source.name;
    const position = targetPosition(sync, now() + this.clockOffset);
    return html`<p class="info" aria-label="Now playing">
      <span class="source">${name}</span>
      <span class="time">${formatDuration(position)} / ${formatDuration(duration)}</span>
      <span class="paused">${sync.paused ? 'Paused' : 'Playing'}</span>
    </p>
    ${this._renderReceived()}`;
  }

  /** A guest's copy of the host's file, as it arrives; the copy goes when they leave. */
  private _renderReceived() {
    const received = this.received;
    if (this.mode !== 'guest' || !received || this.sync?.source.kind !== 'file') return nothing;
    return html`<p class="muted">
      <label>Received <progress max=${received.chunks} .value=${received.held}></progress></label>
      You receive a copy of the host’s file, deleted when you leave.
    </p>`;
  }

  private _renderGuestControls() {
    const sync = this.sync;
    if (!sync || sync.source.kind === 'none') return nothing;
    const allowed = sync.guestControl;
    const duration = this._duration(sync) ?? 0;
    const position = Math.min(duration, targetPosition(sync, now() + this.clockOffset));
    // Both stay usable while allowed: the host is sent as paused for a moment whenever it waits
    // for data or for its picture to move, and a button disabled then would swallow a click.
    return html`<div class="row" role="group" aria-label="Playback for everyone">
        <button type="button" ?disabled=${!allowed}
          @click=${() => this._request({ action: 'play' })}>Play for everyone</button>
        <button type="button" ?disabled=${!allowed}
          @click=${() => this._request({ action: 'pause' })}>Pause for everyone</button>
        <label class="visually-hidden" for="seek">Seek</label>
        <input id="seek" type="range" min="0" max=${duration} step="1" .value=${String(position)}
          ?disabled=${!allowed || duration === 0} @change=${this._onSeek} />
      </div>
      ${allowed ? nothing : html`<p class="muted">Only the host controls playback.</p>`}`;
  }

  private _duration(sync: SyncMessage): number | null {
    const source = sync.source;
    if (source.kind === 'stream') return source.duration;
    if (source.kind === 'local' || source.kind === 'file') return source.duration ?? this.duration;
    return this.duration;
  }

  protected override updated(): void {
    const video = this._remote;
    if (!video || video.srcObject === this.stream) return;
    video.srcObject = this.stream;
    void this._startRemote();
  }

  /** Autoplay may be refused: fall back to muted playback, then to a Play button. */
  private async _startRemote(): Promise<void> {
    const video = this._remote;
    const stream = this.stream;
    if (!video) return;
    // Once the user had to unmute by hand, later streams start muted too until they do.
    video.muted = this._blocked === 'muted';
    try {
      await video.play();
      if (this._blocked === 'play') this._blocked = 'none';
      return;
    } catch (err) {
      // An AbortError only means a newer stream replaced this one; its own call follows.
      if (!refused(err) || this.stream !== stream) return;
    }
    // Sound was refused. Decide now, not when the muted play() settles: a source change can
    // abort that promise even though the muted `autoplay` then goes ahead.
    this._blocked = 'muted';
    try {
      video.muted = true;
      await video.play();
    } catch (err) {
      if (refused(err) && this.stream === stream) this._blocked = 'play';
    }
  }

  private async _onUnblock(): Promise<void> {
    const video = this._remote;
    if (!video) return;
    video.muted = false;
    try {
      await video.play();
      this._blocked = 'none';
    } catch {
      this._blocked = 'play';
    }
  }

  private _onRetryPlay(): void {
    this.dispatchEvent(new CustomEvent('lc-retry-play', { bubbles: true, composed: true }));
  }

  private _onSeek(event: Event): void {
    const value = Number((event.target as HTMLInputElement).value);
    if (Number.isFinite(value) && value >= 0) this._request({ action: 'seek', position: value });
  }

  private _request(detail: ControlDetail): void {
    this.dispatchEvent(
      new CustomEvent<ControlDetail>('lc-control', { detail, bubbles: true, composed: true }),
    );
  }
}

/** The browser's autoplay policy said no (as opposed to a play() cut short by a new source). */
function refused(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'NotAllowedError';
}

declare global {
  interface HTMLElementTagNameMap {
    'lc-player': LcPlayer;
  }
  interface HTMLElementEventMap {
    'lc-control': CustomEvent<ControlDetail>;
    'lc-retry-play': CustomEvent<undefined>;
  }
}
