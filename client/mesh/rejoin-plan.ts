import type { PeerInfo } from '../../shared/socket';
import type { Member } from './member';

/** What to do with each member when the server lets us back in under our old peerId. */
export interface RejoinPlan {
  /** Everyone but us, in the order to show: those the server listed, then those kept. */
  members: Member[];
  /** Listed, with no connected link: offer to them afresh. */
  fresh: PeerInfo[];
  /** Not listed and no connected link: they left while the server was away. */
  gone: Member[];
  /** Not listed, but connected: they have not rejoined yet (the server will say when). */
  unconfirmed: string[];
  hostPeerId: string | null;
}

/**
 * After a reconnection (e.g. a server restart) a connected link is never rebuilt: it is the
 * same person under the same peerId. The server's list says who else is back; a live link to
 * someone not on it yet means they are simply slower to rejoin, and a host kept that way stays
 * the host until the server says otherwise.
 */
export function planRejoin(
  previous: readonly Member[],
  listed: readonly PeerInfo[],
  ackHostPeerId: string | null,
  previousHostPeerId: string | null,
  isLive: (peerId: string) => boolean,
): RejoinPlan {
  const listedIds = new Set(listed.map((p) => p.peerId));
  const others = previous.filter((m) => m.link !== 'self');
  const fresh: PeerInfo[] = [];
  const listedMembers = listed.map((peer): Member => {
    const before = others.find((m) => m.peerId === peer.peerId);
    if (before && isLive(peer.peerId)) return { ...before, ...peer };
    fresh.push(peer);
    return { ...peer, link: 'connecting' };
  });
  const unlisted = others.filter((m) => !listedIds.has(m.peerId));
  const kept = unlisted.filter((m) => isLive(m.peerId));
  const gone = unlisted.filter((m) => !isLive(m.peerId));
  const unconfirmed = kept.map((m) => m.peerId);
  const hostKept = previousHostPeerId !== null && unconfirmed.includes(previousHostPeerId);
  return {
    members: [...listedMembers, ...kept],
    fresh,
    gone,
    unconfirmed,
    hostPeerId: ackHostPeerId ?? (hostKept ? previousHostPeerId : null),
  };
}
