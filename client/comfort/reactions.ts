import type { ReactionEmoji } from '../../shared/peer-messages';
import { TokenBucket } from '../util/token-bucket';

/** Reactions a person may send in a burst, then per second; more are dropped on receipt. */
export const REACTION_BURST = 5;
export const REACTION_PER_SECOND = 2;
/** How long a reaction floats over the video, ms. */
export const REACTION_FLOAT_MS = 2000;
/** The most reactions floating at once; more are not drawn, so a flood cannot fill the screen. */
export const REACTION_FLOATING_MAX = 12;
/** A person's reactions within this long of their first are counted in one chat line, ms. */
export const REACTION_TALLY_MS = 3000;

/** One token bucket per person: whose reactions count, and at what pace. */
export class ReactionGate {
  readonly #buckets = new Map<string, TokenBucket>();

  admit(key: string, t: number): boolean {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(REACTION_BURST, REACTION_PER_SECOND, t);
      this.#buckets.set(key, bucket);
    }
    return bucket.take(t);
  }

  forget(key: string): void {
    this.#buckets.delete(key);
  }
}

interface Tally {
  name: string;
  counts: Map<ReactionEmoji, number>;
}

/**
 * Counts each person's reactions for REACTION_TALLY_MS from their first, then says them in one
 * line ("Ana reacted 😂 ×3 👍"), so a burst of reactions is one chat line, not many.
 */
export class ReactionTally {
  readonly #open = new Map<string, Tally>();

  /** Counts a reaction; true when it opens a new tally, which the caller closes later. */
  add(key: string, name: string, emoji: ReactionEmoji): boolean {
    const tally = this.#open.get(key);
    if (tally) {
      tally.counts.set(emoji, (tally.counts.get(emoji) ?? 0) + 1);
      return false;
    }
    this.#open.set(key, { name, counts: new Map([[emoji, 1]]) });
    return true;
  }

  /** Ends a person's tally and returns its line, or null when they had none open. */
  close(key: string): string | null {
    const tally = this.#open.get(key);
    if (!tally) return null;
    this.#open.delete(key);
    const counts = [...tally.counts].map(([emoji, n]) => (n > 1 ? `${emoji} ×${n}` : emoji));
    return `${tally.name} reacted ${counts.join(' ')}`;
  }
}
