import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { baseStyles } from '../ui/styles';

/**
 * What only the host can do: pick the file or a video URL, let guests steer playback, close the
 * room.
 * @fires lc-file-chosen - with the File the host picked
 * @fires lc-url-chosen - with the text the host pasted as a video URL
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
      .url label {
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
  @property({ type: Boolean }) opening = false;
  /** Why the last file was refused. */
  @property() error = '';

  override render() {
    return html`<div class="row file">
        <label for="file">Choose video file</label>
        <input id="file" type="file" accept="video/*" @change=${this._onFile} ?disabled=${this.opening} />
        ${this.opening ? html`<span role="status">Opening…</span>` : null}
      </div>
      <form class="row url" novalidate @submit=${this._onUrl}>
        <label for="url">Video URL</label>
        <input id="url" type="url" placeholder="https://" autocomplete="off" />
        <button type="submit" ?disabled=${this.opening}>Load URL</button>
      </form>
      <p class="error" role="alert">${this.error}</p>
      <div class="row toggle">
        <input id="guest-control" type="checkbox" .checked=${this.guestControl} @change=${this._onToggle} />
        <label for="guest-control">Allow guests to control playback</label>
      </div>
      <div class="row">
        <button class="danger" type="button" @click=${this._onClose}>Close room</button>
      </div>`;
  }

  private _onFile(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file) this._fire('lc-file-chosen', { file });
    // Picking the same file again should still fire change.
    input.value = '';
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
  'lc-file-chosen': { file: File };
  'lc-url-chosen': { url: string };
  'lc-guest-control': { allowed: boolean };
  'lc-close-room': Record<string, never>;
}

declare global {
  interface HTMLElementTagNameMap {
    'lc-host-controls': LcHostControls;
  }
  interface HTMLElementEventMap {
    'lc-file-chosen': CustomEvent<HostControlEvents['lc-file-chosen']>;
    'lc-url-chosen': CustomEvent<HostControlEvents['lc-url-chosen']>;
    'lc-guest-control': CustomEvent<HostControlEvents['lc-guest-control']>;
    'lc-close-room': CustomEvent<HostControlEvents['lc-close-room']>;
  }
}
