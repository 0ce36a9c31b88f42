import { make, shadowWith } from './element';
import { REACTION_FLOAT_MS, REACTION_FLOATING_MAX } from './reactions';

const CSS = `
:host { position: absolute; inset: 0; pointer-events: none; overflow: hidden; }
.floating { position: absolute; inset: 0; }
.floating span {
  position: absolute; bottom: 0; font-size: 2rem; line-height: 1;
  animation: rise ${REACTION_FLOAT_MS}ms ease-out forwards;
}
@keyframes rise {
  from { transform: translateY(0); opacity: 1; }
  to { transform: translateY(-70cqh); opacity: 0; }
}
:host { container-type: size; }
@media (prefers-reduced-motion: reduce) {
  .floating span { animation: fade ${REACTION_FLOAT_MS}ms forwards; bottom: 1rem; }
  @keyframes fade { to { opacity: 0; } }
}
`;

/**
 * What the room draws over the picture, slotted into the player's screen: reactions floating
 * up. Only REACTION_FLOATING_MAX float at once. They are hidden from assistive technology: the
 * chat counts them in words, once per burst.
 */
export class LcOverlay extends HTMLElement {
  readonly #floating = make('div', { className: 'floating', ariaHidden: 'true' });

  constructor() {
    super();
    shadowWith(this, CSS).append(this.#floating);
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
}

customElements.define('lc-overlay', LcOverlay);

declare global {
  interface HTMLElementTagNameMap {
    'lc-overlay': LcOverlay;
  }
}
