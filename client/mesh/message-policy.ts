import type { PeerMessage } from '../../shared/peer-messages';

/**
 * Whether a validated message from peer `from` may be acted on here. Only the host speaks for
 * playback and chat history; only the host acts on control requests and buffering reports, and
 * only from guests.
 */
export function accepts(
  type: PeerMessage['type'],
  from: string,
  hostPeerId: string | null,
  selfPeerId: string | null,
): boolean {
  switch (type) {
    case 'sync':
    case 'history':
      return hostPeerId !== null && from === hostPeerId;
    case 'control':
    case 'buffering':
      return selfPeerId !== null && selfPeerId === hostPeerId && from !== hostPeerId;
    default:
      return true;
  }
}
