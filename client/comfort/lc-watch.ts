import { REACTION_EMOJI, type ReactionEmoji } from '../../shared/peer-messages';
import type { ChatController } from '../chat/chat-controller';
import type { MeshController } from '../mesh/mesh-controller';
import { now } from '../util/clock';
import { adoptProperties, make, shadowWith } from './element';
import { LcOverlay } from './lc-overlay';
import { REACTION_TALLY_MS, ReactionGate, ReactionTally } from './reactions';

const CSS = `
:host { display: block; margin-top: 0.5rem; }
.bar { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
[role='group'] { display: flex; flex-wrap: wrap; gap: 0.25rem; }
button {
  font: inherit; min-width: 2.5rem; padding: 0.25rem 0.5rem; cursor: pointer;
  border: 1px solid var(--lc-border); border-radius: var(--lc-radius);
  background: var(--lc-surface); color: inherit;
}
button:focus-visible { outline: 3px solid var(--lc-accent); outline-offset: 2px; }
`;

/** Our own reactions are tallied under this key (peer IDs never are empty). */
const SELF = '';

/**
 * Under the player: the "Reactions" group. A reaction goes to everyone, floats over each
 * person's video (the overlay it slots into the player) and is counted in the chat. Each person's
 * reactions, ours included, pass a token bucket first, so a flood is mostly dropped.
 */
export class LcWatch extends HTMLElement {
  #mesh: MeshController | null = null;
  /** Where reactions are counted. No initialiser: one would overwrite what the room set before the upgrade. */
  chat?: ChatController;
  readonly #gate = new ReactionGate();
  readonly #tally = new ReactionTally();
  #unsubscribe: (() => void) | null = null;

  constructor() {
    super();
    const reactions = make('div', { role: 'group', ariaLabel: 'Reactions' });
    for (const emoji of REACTION_EMOJI) {
      const button = make('button', { type: 'button' }, emoji);
      button.addEventListener('click', () => this.#react(emoji));
      reactions.append(button);
    }
    shadowWith(this, CSS).append(make('div', { className: 'bar' }, reactions));
    adoptProperties(this, ['mesh']);
  }

  get mesh(): MeshController | null {
    return this.#mesh;
  }

  set mesh(mesh: MeshController | null) {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#mesh = mesh;
    if (this.isConnected) this.#subscribe();
  }

  connectedCallback(): void {
    this.#subscribe();
  }

  disconnectedCallback(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  #subscribe(): void {
    if (this.#unsubscribe || !this.#mesh) return;
    this.#unsubscribe = this.#mesh.subscribe({
      message: (from, message) => {
        if (message.type === 'reaction') this.#show(from.peerId, from.name, message.emoji);
      },
      memberLeft: (member) => this.#gate.forget(member.peerId),
    });
  }

  #react(emoji: ReactionEmoji): void {
    const mesh = this.#mesh;
    if (mesh?.phase !== 'joined') return;
    // Past our own bucket the others would drop it anyway.
    if (this.#show(SELF, 'You', emoji)) mesh.broadcast({ type: 'reaction', emoji });
  }

  /** Floats and counts one reaction, if its sender's bucket lets it through. */
  #show(key: string, name: string, emoji: ReactionEmoji): boolean {
    if (!this.#gate.admit(key, now())) return false;
    this.#overlay()?.float(emoji);
    if (this.#tally.add(key, name, emoji)) {
      setTimeout(() => {
        const line = this.#tally.close(key);
        if (line) this.chat?.system(line);
      }, REACTION_TALLY_MS);
    }
    return true;
  }

  /** The overlay in the room's player, added the first time it is needed (or the player changed). */
  #overlay(): LcOverlay | null {
    const player = this.parentElement?.querySelector('lc-player');
    if (!player) return null;
    let overlay = player.querySelector('lc-overlay');
    if (!overlay) {
      overlay = new LcOverlay();
      player.append(overlay);
    }
    return overlay;
  }
}

customElements.define('lc-watch', LcWatch);

declare global {
  interface HTMLElementTagNameMap {
    'lc-watch': LcWatch;
  }
}
