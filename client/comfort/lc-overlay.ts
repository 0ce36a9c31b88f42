import type { ChatController } from '../chat/chat-controller';
import type { LcPlayer } from '../room/lc-player';
import { make, shadowWith } from './element';
import { REACTION_FLOAT_MS, REACTION_FLOATING_MAX } from './reactions';

const CSS = `
:host { position: absolute; inset: 0; pointer-events: none; overflow: hidden; container-type: size; }
.floating { position: absolute; inset: 0; }
.floating span {
  position: absolute; bottom: 0; font-size: 2rem; line-height: 1;
  animation: rise ${REACTION_FLOAT_MS}ms ease-out forwards;
}
@keyframes rise {
  from { transform: translateY(0); opacity: 1; }
  to { transform: translateY(-70cqh); opacity: 0; }
}
@media (prefers-reduced-motion: reduce) {
  .floating span { animation: fade ${REACTION_FLOAT_MS}ms forwards; bottom: 1rem; }
  @keyframes fade { to { opacity: 0; } }
}
.top {
  position: absolute; top: 0; left: 0; right: 0; padding: 0.5rem; pointer-events: auto;
  background: rgb(0 0 0 / 0.65); color: #fff;
}
.top:empty { display: none; }
.chat {
  position: absolute; top: 4.5rem; right: 0.5rem; bottom: 0.5rem; width: min(24rem, 90%);
  display: flex; pointer-events: auto; background: Canvas; color: CanvasText;
  border-radius: var(--lc-radius);
}
.chat[hidden] { display: none; }
.cue {
  position: absolute; left: 5%; right: 5%; bottom: 12%; text-align: center;
  font-size: max(1rem, 5cqh); line-height: 1.3;
}
.cue[data-size='small'] { font-size: max(0.875rem, 3.5cqh); }
.cue[data-size='large'] { font-size: max(1.25rem, 6.5cqh); }
.cue[data-size='extra-large'] { font-size: max(1.5rem, 8cqh); }
.cue span {
  white-space: pre-line; padding: 0.1em 0.35em; color: #fff; background: rgb(0 0 0 / 0.8);
  box-decoration-break: clone; -webkit-box-decoration-break: clone;
}
.cue:empty { display: none; }
.chat lc-chat { flex: 1 1 auto; }
`;

/**
 * What the room draws over the picture, slotted into the player's screen: reactions floating up,
 * the subtitle on show and, in full screen, the player's bar and the chat. Only REACTION_FLOATING_MAX float at once;
 * they are hidden from assistive technology, as the chat counts them in words once per burst.
 */
export class LcOverlay extends HTMLElement {
  readonly #root = shadowWith(this, CSS);
  readonly #floating = make('div', { className: 'floating', ariaHidden: 'true' });
  readonly #top = make('div', { className: 'top' });
  readonly #chatBox = make('div', { className: 'chat', hidden: true });
  readonly #cue = make('div', { className: 'cue' });

  constructor() {
    super();
    this.#root.append(this.#floating, this.#cue, this.#top, this.#chatBox);
  }

  /** Shows a subtitle's text (as text) at `size`; '' shows none. */
  showCue(text: string, size: string): void {
    this.#cue.dataset.size = size;
    if (this.#cue.textContent === text) return;
    this.#cue.replaceChildren(...(text ? [make('span', {}, text)] : []));
  }

  /** Floats `emoji` up over the video for REACTION_FLOAT_MS; false when too many already do. */
  float(emoji: string): boolean {
    if (this.#floating.childElementCount >= REACTION_FLOATING_MAX) return false;
    const span = make('span', {}, emoji);
    span.style.left = `${5 + Math.random() * 85}%`;
    this.#floating.append(span);
    setTimeout(() => span.remove(), REACTION_FLOAT_MS);
    return true;
  }

  /** Shows `bar` (styled by `sheet`) over the top of the picture; null gives it back. */
  holdBar(bar: HTMLElement | null, sheet: CSSStyleSheet): void {
    if (!this.#root.adoptedStyleSheets.includes(sheet)) {
      this.#root.adoptedStyleSheets = [...this.#root.adoptedStyleSheets, sheet];
    }
    if (bar) this.#top.append(bar);
    else this.#top.replaceChildren();
  }

  /** Shows the room's chat over the picture (for full screen), or hides it. */
  showChat(chat: ChatController | null): void {
    this.#chatBox.hidden = !chat;
    if (!chat) {
      // Gone, not hidden: the page keeps one "Message" box when not in full screen.
      this.#chatBox.replaceChildren();
      return;
    }
    const log = make('lc-chat', { entries: chat.entries });
    log.addEventListener('lc-chat-send', (event) => {
      chat.send(event.detail.text);
      this.refreshChat(chat);
    });
    this.#chatBox.replaceChildren(log);
    log.updateComplete.then(() => log.shadowRoot?.querySelector('input')?.focus());
  }

  /** Hands the chat's lines to the overlay's chat, when it shows. */
  refreshChat(chat: ChatController): void {
    const log = this.#chatBox.querySelector('lc-chat');
    if (log) log.entries = chat.entries;
  }
}

customElements.define('lc-overlay', LcOverlay);

/** The overlay in `player`, added when first needed (the player may have been replaced). */
export function overlayIn(player: LcPlayer): LcOverlay {
  let overlay = player.querySelector('lc-overlay');
  if (!overlay) {
    overlay = new LcOverlay();
    player.append(overlay);
  }
  return overlay;
}

declare global {
  interface HTMLElementTagNameMap {
    'lc-overlay': LcOverlay;
  }
}
