import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { CHAT_TEXT_MAX } from '../../shared/peer-messages';
import type { ChatEntry } from '../chat/chat-log';
import { baseStyles } from '../ui/styles';
import { formatClock } from '../util/format';

export interface ChatSendDetail {
  text: string;
}

/**
 * The chat log and the message box. Text is bound as text, never parsed as HTML.
 * @fires lc-chat-send - with the text when the user sends a line (Enter or the Send button)
 */
@customElement('lc-chat')
export class LcChat extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        border: 1px solid var(--lc-border);
        border-radius: var(--lc-radius);
      }
      h2 {
        font-size: 1rem;
        margin: 0;
        padding: 0.5rem 0.75rem;
        border-bottom: 1px solid var(--lc-border);
      }
      .log {
        padding: 0.5rem 0.75rem;
        overflow-y: auto;
        flex: 1 1 auto;
        min-height: 12rem;
        max-height: 60vh;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li {
        margin: 0.25rem 0;
        overflow-wrap: anywhere;
      }
      .text {
        white-space: pre-wrap;
      }
      li.own {
        background: var(--lc-surface);
        border-left: 3px solid var(--lc-accent);
        padding-left: 0.4rem;
      }
      li.system {
        color: var(--lc-muted);
        font-style: italic;
      }
      .name {
        font-weight: 600;
      }
      time {
        color: var(--lc-muted);
        font-size: 0.85em;
        margin-left: 0.4rem;
      }
      form {
        display: flex;
        gap: 0.5rem;
        padding: 0.5rem;
        border-top: 1px solid var(--lc-border);
      }
      input {
        flex: 1 1 auto;
      }
    `,
  ];

  @property({ attribute: false }) entries: readonly ChatEntry[] = [];
  /** Greys out sending, e.g. before the room is joined. */
  @property({ type: Boolean }) disabled = false;

  @query('.log') private _log!: HTMLDivElement;
  @query('input') private _input!: HTMLInputElement;
  #stickToBottom = true;
  #scrollFrame = 0;

  override render() {
    return html`<h2 id="chat-h">Chat</h2>
      <div class="log" role="log" aria-labelledby="chat-h" tabindex="0" @scroll=${this._onScroll}><ol>
        ${repeat(
          this.entries,
          (entry) => entry,
          // Entries never change: a new line renders itself only, not the whole log again.
          (entry) => guard([entry], () => this._renderEntry(entry)),
        )}
      </ol></div>
      <form @submit=${this._onSubmit}>
        <label class="visually-hidden" for="message">Message</label>
        <input id="message" type="text" autocomplete="off" maxlength=${CHAT_TEXT_MAX}
          placeholder="Say something…" ?disabled=${this.disabled} />
        <button class="primary" type="submit" ?disabled=${this.disabled}>Send</button>
      </form>`;
  }

  private _renderEntry(entry: ChatEntry) {
    if (entry.kind === 'system') {
      return html`<li class="system">${entry.text}
        <time datetime=${new Date(entry.at).toISOString()}>${formatClock(entry.at)}</time></li>`;
    }
    const { line, own } = entry;
    return html`<li class=${own ? 'own' : 'other'}>
      <span class="name">${own ? `${line.name} (you)` : line.name}</span><time
        datetime=${new Date(line.sentAt).toISOString()}>${formatClock(line.sentAt)}</time>
      <div class="text">${line.text}</div>
    </li>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Follow new lines unless the reader has scrolled up to read older ones (_onScroll knows).
    // Scrolling waits for the next frame: reading scrollHeight now would force a layout before
    // the line is even shown, on every line.
    if (!changed.has('entries') || !this.#stickToBottom || this.#scrollFrame) return;
    this.#scrollFrame = requestAnimationFrame(() => {
      this.#scrollFrame = 0;
      this._log.scrollTop = this._log.scrollHeight;
    });
  }

  private _onScroll(): void {
    const log = this._log;
    this.#stickToBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  }

  private _onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const text = this._input.value.trim();
    if (!text) return;
    this.dispatchEvent(
      new CustomEvent<ChatSendDetail>('lc-chat-send', {
        detail: { text },
        bubbles: true,
        composed: true,
      }),
    );
    this._input.value = '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lc-chat': LcChat;
  }
  interface HTMLElementEventMap {
    'lc-chat-send': CustomEvent<ChatSendDetail>;
  }
}
