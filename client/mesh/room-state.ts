import type { JoinSuccess, PeerInfo, Role } from '../../shared/socket';
import type { Member } from './member';
import type { LinkState } from './peer-link';
import type { Outdated } from './protocol-version';
import { planRejoin } from './rejoin-plan';

/** Who is in the room as this browser knows it, and who hosts. Changed only by the steps below. */
export interface RoomState {
  readonly selfPeerId: string | null;
  readonly hostPeerId: string | null;
  /** Whether a host has been here since we joined, to tell "waiting" from "away". */
  readonly hostSeen: boolean;
  /** From the last `room:host-away`: when the room closes unless the host returns (server clock, ms). */
  readonly closesAt: number | null;
  /** Ourselves first, then the others. */
  readonly members: readonly Member[];
  /**
   * Members kept across a reconnection, with a live link, whom the server has not listed since
   * (they have not rejoined yet). If their link breaks before they do, they are taken as gone.
   */
  readonly unconfirmed: ReadonlySet<string>;
}

export const EMPTY_ROOM: RoomState = {
  selfPeerId: null,
  hostPeerId: null,
  hostSeen: false,
  closesAt: null,
  members: [],
  unconfirmed: new Set(),
};

/** What the other parts of the room page hear about. */
export type RoomEvent =
  | { type: 'memberJoined'; member: Member }
  | { type: 'memberLeft'; member: Member }
  | { type: 'hostChanged'; hostPeerId: string | null; previous: string | null };

/**
 * A new state and what it asks of the links, to be carried out in this order: close links (every
 * one, or these peers'), then open links (offering, or answering their offer), then tell
 * listeners the events.
 */
export interface RoomStep {
  state: RoomState;
  close: 'all' | readonly string[];
  open: readonly { peer: PeerInfo; initiator: boolean }[];
  events: readonly RoomEvent[];
}

/** What a link reports, as the room state needs it. */
export interface LinkChange {
  state: LinkState;
  /** The attempt failed because no connection formed in time. */
  timedOut: boolean;
  /** A relay-only attempt gathered no relay candidate: the relay refused us or is unreachable. */
  noRelay: boolean;
  outdated: Outdated | null;
}

export function isHost(state: RoomState): boolean {
  return state.selfPeerId !== null && state.selfPeerId === state.hostPeerId;
}

export function selfRole(state: RoomState): Role {
  return isHost(state) ? 'host' : 'guest';
}

export function findMember(state: RoomState, peerId: string): Member | undefined {
  return state.members.find((m) => m.peerId === peerId);
}

/** While the host is away: when the room closes unless they return (server clock, ms). */
export function hostAwayUntil(state: RoomState): number | null {
  return state.hostPeerId === null ? state.closesAt : null;
}

/**
 * A first join, or one under a new peerId: links made under an old one are gone for the others,
 * so every link is made afresh, offered by us to everyone listed (DESIGN.md, Mesh).
 */
export function joined(state: RoomState, ack: JoinSuccess): RoomStep {
  const self: Member = {
    ...ack.self,
    role: ack.hostPeerId === ack.self.peerId ? 'host' : 'guest',
    link: 'self',
  };
  return {
    state: {
      ...state,
      selfPeerId: ack.self.peerId,
      hostPeerId: ack.hostPeerId,
      hostSeen: state.hostSeen || ack.hostPeerId !== null,
      members: [self, ...ack.peers.map((p): Member => ({ ...p, link: 'connecting' }))],
      unconfirmed: new Set(),
    },
    close: 'all',
    open: ack.peers.map((peer) => ({ peer, initiator: true })),
    events: hostEvents(state.hostPeerId, ack.hostPeerId),
  };
}

/**
 * Back under the same peerId after the socket dropped (e.g. a server restart): every link still
 * connected is kept, so chat and video never stop (see planRejoin).
 */
export function rejoined(
  state: RoomState,
  ack: JoinSuccess,
  isLive: (peerId: string) => boolean,
): RoomStep {
  const plan = planRejoin(state.members, ack.peers, ack.hostPeerId, state.hostPeerId, isLive);
  const listed = new Set(ack.peers.map((p) => p.peerId));
  const unconfirmed = new Set([...state.unconfirmed].filter((id) => !listed.has(id)));
  for (const id of plan.unconfirmed) unconfirmed.add(id);
  return {
    state: {
      ...state,
      hostPeerId: plan.hostPeerId,
      hostSeen: state.hostSeen || plan.hostPeerId !== null,
      members: [...state.members.filter((m) => m.link === 'self'), ...plan.members],
      unconfirmed,
    },
    close: [...plan.fresh, ...plan.gone].map((p) => p.peerId),
    open: plan.fresh.map((peer) => ({ peer, initiator: true })),
    events: [
      ...plan.gone.map((member): RoomEvent => ({ type: 'memberLeft', member })),
      ...hostEvents(state.hostPeerId, plan.hostPeerId),
    ],
  };
}

/**
 * Someone (re)joined. A peerId we still have a connected link with is someone back after a
 * dropped socket: the link stays. Otherwise they offer to us, so we wait as the answering side.
 */
export function peerJoined(
  state: RoomState,
  peer: PeerInfo,
  isLive: (peerId: string) => boolean,
): RoomStep {
  const before = findMember(state, peer.peerId);
  const keep = before !== undefined && isLive(peer.peerId);
  const member: Member = keep ? { ...before, ...peer } : { ...peer, link: 'connecting' };
  const unconfirmed = new Set(state.unconfirmed);
  unconfirmed.delete(peer.peerId);
  const hostPeerId = peer.role === 'host' ? peer.peerId : state.hostPeerId;
  return {
    state: {
      ...state,
      hostPeerId,
      hostSeen: state.hostSeen || peer.role === 'host',
      members: before
        ? state.members.map((m) => (m.peerId === peer.peerId ? member : m))
        : [...state.members, member],
      unconfirmed,
    },
    // Someone new has no link yet, but may have signals waiting for the one we open.
    close: before && !keep ? [peer.peerId] : [],
    open: keep ? [] : [{ peer, initiator: false }],
    events: [
      ...hostEvents(state.hostPeerId, hostPeerId),
      ...(before ? [] : [{ type: 'memberJoined', member } as const]),
    ],
  };
}

/** Someone left (or was taken as gone): their link goes, and the host with them if it was they. */
export function peerLeft(state: RoomState, peerId: string): RoomStep {
  const member = findMember(state, peerId);
  const unconfirmed = new Set(state.unconfirmed);
  unconfirmed.delete(peerId);
  const hostPeerId = peerId === state.hostPeerId ? null : state.hostPeerId;
  return {
    state: {
      ...state,
      hostPeerId,
      members: state.members.filter((m) => m.peerId !== peerId),
      unconfirmed,
    },
    close: [peerId],
    open: [],
    events: member
      ? [{ type: 'memberLeft', member }, ...hostEvents(state.hostPeerId, hostPeerId)]
      : [],
  };
}

/**
 * A link's news on its member. "Relay unreachable" (no relay candidate, or a timeout on a
 * relay-only link) and the count of attempts that timed out are kept through the retries that
 * follow, until a connection finally forms.
 */
export function linkChanged(
  state: RoomState,
  peerId: string,
  change: LinkChange,
  relayOnly: boolean,
): RoomState {
  return {
    ...state,
    members: state.members.map((m) => {
      if (m.peerId !== peerId) return m;
      let relayUnreachable = m.relayUnreachable ?? false;
      if (change.state === 'connected') relayUnreachable = false;
      else if (change.noRelay) relayUnreachable = true;
      else if (change.state === 'failed' && change.timedOut) relayUnreachable = relayOnly;
      const timedOut = change.state === 'failed' && change.timedOut;
      const timeouts = change.state === 'connected' ? 0 : (m.timeouts ?? 0) + (timedOut ? 1 : 0);
      return {
        ...m,
        link: change.state,
        relayUnreachable,
        timeouts,
        outdated: change.outdated ?? undefined,
      };
    }),
  };
}

/** The server says the host is away and when the room closes unless they return. */
export function hostAway(state: RoomState, closesAt: number): RoomState {
  return { ...state, closesAt };
}

function hostEvents(previous: string | null, hostPeerId: string | null): RoomEvent[] {
  return previous === hostPeerId ? [] : [{ type: 'hostChanged', hostPeerId, previous }];
}
