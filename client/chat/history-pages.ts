import {
  type ChatLine,
  encodePeerMessage,
  HISTORY_MAX,
  PEER_MESSAGE_MAX_BYTES,
  type PeerMessageOf,
} from '../../shared/peer-messages';

const utf8 = new TextEncoder();
const bytes = (s: string): number => utf8.encode(s).length;

/**
 * Splits chat lines into `history` messages that each encode within PEER_MESSAGE_MAX_BYTES and
 * HISTORY_MAX lines, keeping order. A single line always fits: 2000 UTF-16 units are at most
 * 12 000 bytes of JSON even when every one is escaped.
 */
export function historyPages(lines: readonly ChatLine[]): PeerMessageOf<'history'>[] {
  const empty = bytes(encodePeerMessage({ type: 'history', messages: [] }));
  const pages: PeerMessageOf<'history'>[] = [];
  let page: ChatLine[] = [];
  let size = empty;
  for (const line of lines) {
    const lineBytes = bytes(JSON.stringify(line));
    const full = size + lineBytes + 1 > PEER_MESSAGE_MAX_BYTES || page.length >= HISTORY_MAX;
    if (page.length > 0 && full) {
      pages.push({ type: 'history', messages: page });
      page = [];
      size = empty;
    }
    // Every line after the first in a page costs a comma too.
    size += lineBytes + (page.length > 0 ? 1 : 0);
    page.push(line);
  }
  if (page.length > 0) pages.push({ type: 'history', messages: page });
  return pages;
}
