import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { baseStyles } from './styles';

/** A value shown as text with a button that copies it; the label names both for screen readers. */
@customElement('lc-copy')
export class LcCopy extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: inline-flex;
        gap: 0.5rem;
        align-items: center;
        flex-wrap: wrap;
      }
      output {
        font-family: ui-monospace, monospace;
        font-size: 1.1em;
        overflow-wrap: anywhere;
      }
    `,
  ];

  /** What is shown and copied. */
  @property() value = '';
  /** What the value is, e.g. "Room ID"; names the output and the button. */
  @property() label = '';

  @state() private _copied = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
  }

  override render() {
    return html`<output aria-label=${this.label}>${this.value}</output>
      <button type="button" @click=${this._onCopy} aria-label=${`Copy ${this.label}`}>
        ${this._copied ? 'Copied' : 'Copy'}
      </button>`;
  }

  private async _onCopy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.value);
      this._copied = true;
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        this._copied = false;
      }, 1500);
    } catch {
      // Clipboard refused (insecure context or denied): the value stays visible to copy by hand.
      this._copied = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lc-copy': LcCopy;
  }
}
