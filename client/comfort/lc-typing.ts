import type { PeerMessage } from '../../shared/peer-messages';
import type { Member } from '../mesh/member';
import type { MeshListener } from '../mesh/mesh-controller';
import { now } from '../util/clock';
import { adoptProperties, make, shadowWith } from './element';
import { MeshElement } from './mesh-element';
import { TypingBoard, TypingThrottle, typingText } from './typing';

const CSS = `
:host { display: block; min-height: 1.4em; margin-top: -0.75rem; color: var(--lc-muted); font-style: italic; }
p { margin: 0; }
`;

/**
 * "NAME is typing…" under the chat, and our own typing marks. Marks go out while a chat's
 * message box in the room gets input, never its text. The line is a polite status whose text
 * changes only when the set of names does, so a screen reader hears it once, not on every mark.
 */
export class LcTyping extends MeshElement {
  readonly #line = make('p', { role: 'status', ariaLive: 'polite' });
  readonly #board = new TypingBoard();
  readonly #throttle = new TypingThrottle();
  #expiry: ReturnType<typeof setTimeout> | undefined;
  #root: Node | null = null;

  constructor() {
    super();
    shadowWith(this, CSS).append(this.#line);
    adoptProperties(this, ['mesh']);
  }

  connectedCallback(): void {
    this.#root = this.getRootNode();
    this.#root.addEventListener('input', this.#onInput);
    this.#root.addEventListener('lc-chat-send', this.#onSend);
    this.listen();
  }

  disconnectedCallback(): void {
    this.#root?.removeEventListener('input', this.#onInput);
    this.#root?.removeEventListener('lc-chat-send', this.#onSend);
    this.unlisten();
    clearTimeout(this.#expiry);
  }

  protected override listener(): MeshListener {
    return {
      message: (from, message) => this.hear(from, message),
      memberLeft: (member) => {
        this.#board.clear(member.peerId);
        this.#refresh();
      },
    };
  }

  /** A message from the mesh (or held for us while this chunk loaded). */
  hear(from: Member, message: PeerMessage): void {
    // The name is the link's member, never anything the message says.
    if (message.type === 'typing') this.#board.mark(from.peerId, from.name, now());
    else if (message.type === 'chat') this.#board.clear(from.peerId);
    else return;
    this.#refresh();
  }

  /** Shows who types now, and wakes up when the next of them runs out. */
  #refresh(): void {
    const text = typingText(this.#board.names(now()));
    if (this.#line.textContent !== text) this.#line.textContent = text;
    clearTimeout(this.#expiry);
    const next = this.#board.nextExpiry();
    if (next !== null) this.#expiry = setTimeout(() => this.#refresh(), next - now());
  }

  readonly #onInput = (event: Event): void => {
    const path = event.composedPath();
    const box = path[0];
    const inChat = path.some((node) => node instanceof Element && node.localName === 'lc-chat');
    if (!inChat || !(box instanceof HTMLInputElement) || !box.value.trim()) return;
    const mesh = this.mesh;
    if (mesh?.phase === 'joined' && this.#throttle.due(now())) mesh.broadcast({ type: 'typing' });
  };

  readonly #onSend = (): void => this.#throttle.reset();
}

customElements.define('lc-typing', LcTyping);

declare global {
  interface HTMLElementTagNameMap {
    'lc-typing': LcTyping;
  }
}
