import type { PeerMessage } from '../../shared/peer-messages';

/**
 * Whether a validated message from peer `from` may be acted on here. Only the host speaks for
 * playback, chat history, a shared file's hashes and the subtitles; only the host acts on control requests,
 * buffering reports and a guest's word that it cannot play the file, and only from guests.
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
    case 'file-hashes':
    case 'subtitles':
    case 'subtitles-off':
      return hostPeerId !== null && from === hostPeerId;
    case 'control':
    case 'buffering':
    case 'file-unplayable':
      return selfPeerId !== null && selfPeerId === hostPeerId && from !== hostPeerId;
    default:
      return true;
  }
}
