/** A typing mark goes out at most this often while someone types. */
export const TYPING_SEND_MS = 1000;
/** How long a mark shows "NAME is typing…" after it arrives. */
export const TYPING_SHOW_MS = 5000;

/** Whether a keystroke at `t` (ms) should send a typing mark: at most one per TYPING_SEND_MS. */
export class TypingThrottle {
  #last = Number.NEGATIVE_INFINITY;

  due(t: number): boolean {
    if (t - this.#last < TYPING_SEND_MS) return false;
    this.#last = t;
    return true;
  }

  /** After a line is sent the next keystroke starts a new mark at once. */
  reset(): void {
    this.#last = Number.NEGATIVE_INFINITY;
  }
}

/**
 * Who is typing, each until TYPING_SHOW_MS after their last mark. Keyed by the link a mark came
 * on, and named by that link's member, so a peer can only ever mark itself.
 */
export class TypingBoard {
  readonly #until = new Map<string, { name: string; until: number }>();

  mark(peerId: string, name: string, t: number): void {
    this.#until.set(peerId, { name, until: t + TYPING_SHOW_MS });
  }

  clear(peerId: string): void {
    this.#until.delete(peerId);
  }

  /** The names still typing at `t`, in the order they started; forgets the others. */
  names(t: number): string[] {
    const names: string[] = [];
    for (const [peerId, entry] of this.#until) {
      if (entry.until <= t) this.#until.delete(peerId);
      else names.push(entry.name);
    }
    return names;
  }

  /** When the next mark runs out (ms), or null when nobody is typing. */
  nextExpiry(): number | null {
    let next: number | null = null;
    for (const { until } of this.#until.values())
      next = next === null ? until : Math.min(next, until);
    return next;
  }
}

/** The line under the chat: empty when nobody types. */
export function typingText(names: readonly string[]): string {
  const [first, second] = names;
  if (first === undefined) return '';
  if (second === undefined) return `${first} is typing…`;
  if (names.length === 2) return `${first} and ${second} are typing…`;
  return 'Several people are typing…';
}
