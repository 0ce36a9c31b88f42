import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LocalSource } from '../players/file-fingerprint';
import { baseStyles } from '../ui/styles';
import { formatBytes } from '../util/format';

/**
 * A guest's prompt when the host plays a file everyone opens from their own disk: which file,
 * and a chooser for this person's copy.
 * @fires lc-copy-chosen - with the File this person picked as their copy
 */
@customElement('lc-own-copy')
export class LcOwnCopy extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        margin: 0.5rem 0;
      }
      label {
        display: inline-block;
        margin-right: 0.5rem;
      }
      .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
    `,
  ];

  /** The host's file, as its sync describes it. */
  @property({ attribute: false }) source: LocalSource | null = null;
  @property({ type: Boolean }) checking = false;

  override render() {
    const source = this.source;
    if (!source) return nothing;
    return html`<p id="copy-prompt">
        The host is playing <span class="name">${source.name}</span> (${formatBytes(source.size)}):
        open your copy.
      </p>
      <div class="row">
        <label for="copy">Open your copy</label>
        <input id="copy" type="file" accept="video/*" aria-describedby="copy-prompt"
          @change=${this._onFile} ?disabled=${this.checking} />
        ${this.checking ? html`<span role="status">Checking your copy…</span>` : nothing}
      </div>`;
  }

  private _onFile(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    // Picking the same file again should still fire change.
    input.value = '';
    if (!file) return;
    this.dispatchEvent(
      new CustomEvent('lc-copy-chosen', { detail: { file }, bubbles: true, composed: true }),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lc-own-copy': LcOwnCopy;
  }
  interface HTMLElementEventMap {
    'lc-copy-chosen': CustomEvent<{ file: File }>;
  }
}
