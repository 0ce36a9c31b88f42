import type { ChatLine } from '../../shared/peer-messages';

/**
 * `at` orders the log: when we received a line (local clock), so a peer's clock or a made-up
 * `sentAt` cannot move its line around; history lines use their `sentAt`, capped at now.
 */
export type ChatEntry =
  | { kind: 'chat'; line: ChatLine; own: boolean; at: number }
  | { kind: 'system'; id: string; text: string; at: number };

/** The most lines the page keeps; older ones scroll away. */
export const CHAT_LOG_MAX = 1000;

/** Line IDs are chosen by their authors, so they are unique only per author: a peer reusing
 * someone else's ID must not hide that person's line. */
function entryId(e: ChatEntry): string {
  return e.kind === 'chat' ? `${e.line.from}\u0000${e.line.id}` : `system\u0000${e.id}`;
}

/**
 * Adds entries to a log and returns a new array (Lit re-renders on a new reference). Entries
 * are kept in time order, a line already present (same author and id) is ignored (history pages overlap what a peer
 * sent directly), and the oldest fall off past CHAT_LOG_MAX.
 */
export function addEntries(log: readonly ChatEntry[], added: readonly ChatEntry[]): ChatEntry[] {
  const seen = new Set(log.map(entryId));
  const next = [...log];
  for (const entry of added) {
    const id = entryId(entry);
    if (seen.has(id)) continue;
    seen.add(id);
    // New lines usually belong at the end; history lines may go further back.
    let i = next.length;
    while (i > 0 && (next[i - 1] as ChatEntry).at > entry.at) i -= 1;
    next.splice(i, 0, entry);
  }
  return next.length > CHAT_LOG_MAX ? next.slice(next.length - CHAT_LOG_MAX) : next;
}

/** The chat lines (no system lines) a host hands to late joiners, newest last. */
export function chatLines(log: readonly ChatEntry[], max: number): ChatLine[] {
  const lines = log.flatMap((e) => (e.kind === 'chat' ? [e.line] : []));
  return lines.slice(Math.max(0, lines.length - max));
}
