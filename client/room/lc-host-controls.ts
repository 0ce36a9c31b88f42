import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { BufferingPolicy } from '../sync/host-sync';
import { baseStyles } from '../ui/styles';

/** How a chosen file reaches guests: the file itself, or the live re-encode of its picture. */
export type FileSharing = 'original' | 'live';
const SHARING_KEY = 'lc-file-sharing';

/** The host's last choice on this device; original quality unless they chose otherwise. */
function readSharing(): FileSharing {
  try {
    return localStorage.getItem(SHARING_KEY) === 'live' ? 'live' : 'original';
  } catch {
    return 'original';
  }
}

/** The speeds offered; the player's own menu may set others, which guests follow too. */
const RATES = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];
const POLICIES: ReadonlyArray<[BufferingPolicy, string]> = [
  ['continue', 'Let them catch up'],
  ['wait', 'Wait for everyone'],
];

/**
 * What only the host can do: pick a file to share (the file itself, or a live stream of it), a video URL or a file everyone opens from
 * their own disk, set the speed and what happens when someone buffers, let guests steer
 * playback, close the room.
 * @fires lc-file-chosen - with the File the host picked and how to share it
 * @fires lc-own-copy-chosen - with the File the host opened as everyone's own copy
 * @fires lc-url-chosen - with the text the host pasted as a video URL
 * @fires lc-rate - with the playback speed the host chose for everyone
 * @fires lc-buffering-policy - with what to do while a guest buffers
 * @fires lc-guest-control - with whether guests may play, pause and seek
 * @fires lc-close-room - the host wants the room closed for everyone
 */
@customElement('lc-host-controls')
export class LcHostControls extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: grid;
        gap: 0.5rem;
      }
      .file label,
      .url label,
      .settings label {
        display: inline-block;
        margin-right: 0.5rem;
      }
      .toggle label {
        display: inline;
        font-weight: normal;
      }
    `,
  ];

  @property({ type: Boolean }) guestControl = false;
  @property({ type: Number }) rate = 1;
  @property() policy: BufferingPolicy = 'continue';
  @property({ type: Boolean }) opening = false;
  /** Our screen or a tab is what everyone watches. */
  @property({ type: Boolean }) sharingScreen = false;
  /** Why the last file was refused. */
  @property() error = '';

  /** Guests whose browsers cannot play the shared file, by name, with why. */
  @property({ attribute: false }) unplayable: readonly string[] = [];
  @state() private _sharing: FileSharing = readSharing();

  override render() {
    return html`<div class="row file">
        <label for="sharing">File sharing</label>
        <select id="sharing" @change=${this._onSharing} aria-describedby="sharing-hint">
          <option value="original" .selected=${this._sharing === 'original'}>Original quality</option>
          <option value="live" .selected=${this._sharing === 'live'}>Live stream</option>
        </select>
        <span id="sharing-hint" class="muted">${
          this._sharing === 'original'
            ? 'Guests receive a copy of the file, deleted when they leave.'
            : 'Your browser re-encodes the picture for each guest.'
        }</span>
      </div>
      <div class="row file">
        <label for="file">Choose video file</label>
        <input id="file" type="file" accept="video/*" @change=${this._onFile} ?disabled=${this.opening} />
        ${this.opening ? html`<span role="status">Opening…</span>` : null}
      </div>
      ${
        this.unplayable.length
          ? html`<p class="error" role="alert">${this.unplayable.join(', ')} cannot play this file here.
              Choose Live stream under File sharing and choose the file again.</p>`
          : null
      }
      <div class="row file">
        <button type="button" aria-pressed=${this.sharingScreen ? 'true' : 'false'}
          ?disabled=${this.opening} @click=${() => this._fire('lc-share-screen', { on: !this.sharingScreen })}>Share screen</button>
      </div>
      <div class="row file">
        <label for="own-copy">Open own copy</label>
        <input id="own-copy" type="file" accept="video/*" aria-describedby="own-copy-hint"
          @change=${this._onOwnCopy} ?disabled=${this.opening} />
        <span id="own-copy-hint" class="muted">Everyone opens their own copy of the same file; nothing is streamed.</span>
      </div>
      <form class="row url" novalidate @submit=${this._onUrl}>
        <label for="url">Video URL</label>
        <input id="url" type="url" placeholder="https://" autocomplete="off" />
        <button type="submit" ?disabled=${this.opening}>Load URL</button>
      </form>
      <p class="error" role="alert">${this.error}</p>
      <div class="row settings">
        <label for="rate">Playback speed</label>
        <select id="rate" @change=${this._onRate}>
          ${RATES.map((r) => html`<option value=${r} .selected=${r === this.rate}>${r === 1 ? 'Normal' : `${r}×`}</option>`)}
        </select>
        <label for="policy">When someone is buffering</label>
        <select id="policy" @change=${this._onPolicy}>
          ${POLICIES.map(([value, text]) => html`<option value=${value} .selected=${value === this.policy}>${text}</option>`)}
        </select>
      </div>
      <div class="row toggle">
        <input id="guest-control" type="checkbox" .checked=${this.guestControl} @change=${this._onToggle} />
        <label for="guest-control">Allow guests to control playback</label>
      </div>
      <div class="row">
        <button class="danger" type="button" @click=${this._onClose}>Close room</button>
      </div>`;
  }

  private _onSharing(event: Event): void {
    this._sharing = (event.target as HTMLSelectElement).value === 'live' ? 'live' : 'original';
    try {
      localStorage.setItem(SHARING_KEY, this._sharing);
    } catch {
      // Storage refused (private mode, quota): the choice holds for this page only.
    }
  }

  private _onFile(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file) this._fire('lc-file-chosen', { file, sharing: this._sharing });
    // Picking the same file again should still fire change.
    input.value = '';
  }

  private _onOwnCopy(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file) this._fire('lc-own-copy-chosen', { file });
    input.value = '';
  }

  private _onRate(event: Event): void {
    const rate = Number((event.target as HTMLSelectElement).value);
    if (RATES.includes(rate)) this._fire('lc-rate', { rate });
  }

  private _onPolicy(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    const policy = POLICIES.find(([p]) => p === value)?.[0];
    if (policy) this._fire('lc-buffering-policy', { policy });
  }

  private _onUrl(event: SubmitEvent): void {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).querySelector('input');
    if (input) this._fire('lc-url-chosen', { url: input.value });
  }

  private _onToggle(event: Event): void {
    this._fire('lc-guest-control', { allowed: (event.target as HTMLInputElement).checked });
  }

  private _onClose(): void {
    this._fire('lc-close-room', {});
  }

  private _fire<K extends keyof HostControlEvents>(type: K, detail: HostControlEvents[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

interface HostControlEvents {
  'lc-file-chosen': { file: File; sharing: FileSharing };
  'lc-own-copy-chosen': { file: File };
  'lc-url-chosen': { url: string };
  'lc-rate': { rate: number };
  'lc-buffering-policy': { policy: BufferingPolicy };
  'lc-guest-control': { allowed: boolean };
  'lc-close-room': Record<string, never>;
  /** Start (on) or stop sharing our screen as the room's video. */
  'lc-share-screen': { on: boolean };
}

declare global {
  interface HTMLElementTagNameMap {
    'lc-host-controls': LcHostControls;
  }
  interface HTMLElementEventMap {
    'lc-file-chosen': CustomEvent<HostControlEvents['lc-file-chosen']>;
    'lc-own-copy-chosen': CustomEvent<HostControlEvents['lc-own-copy-chosen']>;
    'lc-url-chosen': CustomEvent<HostControlEvents['lc-url-chosen']>;
    'lc-rate': CustomEvent<HostControlEvents['lc-rate']>;
    'lc-buffering-policy': CustomEvent<HostControlEvents['lc-buffering-policy']>;
    'lc-guest-control': CustomEvent<HostControlEvents['lc-guest-control']>;
    'lc-close-room': CustomEvent<HostControlEvents['lc-close-room']>;
    'lc-share-screen': CustomEvent<HostControlEvents['lc-share-screen']>;
  }
}
