import type { PeerMessage } from '../../shared/peer-messages';
import type { Member } from './member';

/** A message as the mesh handed it over: who it came from and what it said. */
export interface HeldMessage {
  from: Member;
  message: PeerMessage;
}

/** What HeldMessages needs of the mesh: a way to hear its messages (MeshController.subscribe). */
export interface MessageSource {
  subscribe(listener: { message?(from: Member, message: PeerMessage): void }): () => void;
}

/**
 * Holds messages of some types until the part that handles them has loaded (e.g. reactions and
 * typing marks, whose code is fetched on demand), at most `max` of them: past that the oldest go,
 * so a flood before the load costs a bounded queue and nothing more.
 */
export class HeldMessages {
  readonly #held: HeldMessage[] = [];
  #unsubscribe: (() => void) | null;

  constructor(
    source: MessageSource,
    private readonly types: readonly PeerMessage['type'][],
    private readonly max: number,
  ) {
    this.#unsubscribe = source.subscribe({
      message: (from, message) => {
        if (!this.types.includes(message.type)) return;
        this.#held.push({ from, message });
        if (this.#held.length > this.max) this.#held.shift();
      },
    });
  }

  /** Stops holding and hands over what was held, oldest first. */
  release(): HeldMessage[] {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    return this.#held.splice(0);
  }
}
