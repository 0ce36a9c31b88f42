import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ApiError } from '../../shared/errors';
import type { PeerMessage } from '../../shared/peer-messages';
import type { PeerInfo, Role } from '../../shared/socket';
import type { ClockEstimate } from '../../shared/sync/clock-offset';
import { api, HttpError } from '../api/http';
import { accepts } from './message-policy';
import { CONNECT_TIMEOUT, type LinkState, type OutgoingMedia, PeerLink } from './peer-link';
import { type ServerLink, SignallingClient } from './signalling-client';

export interface Member extends PeerInfo {
  /** Our connection to them; 'self' for ourselves. */
  link: LinkState | 'self';
  /** Relay only, and the last attempt timed out: most likely the relay is out of reach. */
  relayUnreachable?: boolean;
}

/** joining: asking the server; joined: in the room; ended: closed, refused or left. */
export type MeshPhase = 'joining' | 'joined' | 'ended';

/** Why the room ended for us, for the page we land on. */
export interface MeshEnd {
  reason: 'closed' | 'refused' | 'signed-out' | 'left';
  message: string;
  /** Join errors where the PIN itself is useless now. */
  forgetPin: boolean;
}

/** What parts of the room page (chat, playback) hear from the mesh; every method is optional. */
export interface MeshListener {
  message?(from: Member, message: PeerMessage): void;
  /** The other side's hello arrived: the connection is usable. */
  linkReady?(member: Member): void;
  memberJoined?(member: Member): void;
  memberLeft?(member: Member): void;
  /** The host peer came or went (null: the host is away). */
  hostChanged?(hostPeerId: string | null, previous: string | null): void;
  remoteTrack?(track: MediaStreamTrack, stream: MediaStream): void;
  ended?(end: MeshEnd): void;
}

const PENDING_SIGNALS_MAX = 64;

/**
 * Owns the socket and one PeerLink per other member, as DESIGN.md's mesh section says: the
 * joiner offers to everyone in its join answer, members answer when the first signal arrives.
 * Data goes everywhere; media only between the host and each guest.
 */
export class MeshController implements ReactiveController {
  phase: MeshPhase = 'joining';
  server: ServerLink = 'connecting';
  selfPeerId: string | null = null;
  hostPeerId: string | null = null;
  /** Whether a host has been here since we joined, to tell "waiting" from "away". */
  hostSeen = false;
  /** Wrong PINs for our room, reported to the host only. */
  pinAttempts: { failed: number; windowSeconds: number } | null = null;
  members: readonly Member[] = [];

  readonly #links = new Map<string, PeerLink>();
  readonly #pending = new Map<string, unknown[]>();
  /** peer:joined events that arrive while our own join is still unanswered. */
  #earlyJoins: PeerInfo[] = [];
  readonly #listeners = new Set<MeshListener>();
  #signalling: SignallingClient | null = null;
  #outgoing: OutgoingMedia | null = null;
  #self: { name: string; userId: string } = { name: '', userId: '' };

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly room: { readonly roomId: string; pin: string },
    private readonly options: { readonly relayOnly: boolean },
  ) {
    host.addController(this);
  }

  get isHost(): boolean {
    return this.selfPeerId !== null && this.selfPeerId === this.hostPeerId;
  }

  get selfRole(): Role {
    return this.isHost ? 'host' : 'guest';
  }

  subscribe(listener: MeshListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  hostConnected(): void {
    void this.#start();
  }

  hostDisconnected(): void {
    this.#signalling?.leave();
    this.#teardown();
  }

  /** Sends to one member; false when that connection is not open. */
  send(peerId: string, message: PeerMessage): boolean {
    return this.#links.get(peerId)?.send(message) ?? false;
  }

  /** Sends to every open connection; returns how many took it. */
  broadcast(message: PeerMessage): number {
    let sent = 0;
    for (const link of this.#links.values()) if (link.send(message)) sent += 1;
    return sent;
  }

  /** The host's media for every guest, now and for guests who join later. */
  setOutgoing(media: OutgoingMedia | null): void {
    this.#outgoing = media;
    for (const member of this.members) {
      if (member.role === 'guest') this.#links.get(member.peerId)?.setOutgoing(media);
    }
  }

  /** The host clock's estimate from ping/pong on the link to the host; null until measured. */
  hostClock(): ClockEstimate | null {
    const link = this.hostPeerId ? this.#links.get(this.hostPeerId) : undefined;
    return link?.clock.estimate() ?? null;
  }

  /** Host clock minus ours (ms); 0 until measured. */
  hostClockOffset(): number {
    return this.hostClock()?.offset ?? 0;
  }

  /** The host rotated the PIN: a later rejoin (after a reconnect) must use the new one. */
  updatePin(pin: string): void {
    this.room.pin = pin;
  }

  /** Leaves on purpose (e.g. the host closed the room from this page). */
  leave(end: MeshEnd): void {
    this.#signalling?.leave();
    this.#end(end);
  }

  async #start(): Promise<void> {
    try {
      // Each link fetches its own ICE servers; this first call checks the session up front.
      await api.iceServers();
    } catch (err) {
      const signedOut = err instanceof HttpError && err.unauthorized;
      this.#end({
        reason: signedOut ? 'signed-out' : 'refused',
        message: signedOut ? 'Your session has ended.' : 'The server cannot be reached.',
        forgetPin: false,
      });
      return;
    }
    if (this.phase === 'ended') return;
    this.#signalling = new SignallingClient({
      status: (s) => this.#onServerStatus(s),
      connected: () => void this.#join(),
      peerJoined: (p) => this.#onPeerJoined(p),
      peerLeft: (id) => this.#onPeerLeft(id),
      signal: ({ from, data }) => this.#onSignal(from, data),
      roomClosed: () =>
        this.#end({ reason: 'closed', message: 'The host closed the room.', forgetPin: true }),
      pinAttempts: (p) => {
        this.pinAttempts = p;
        this.host.requestUpdate();
      },
      serverError: (e) => console.warn(`server refused ${e.event}: ${e.error.code}`),
    });
    this.#signalling.connect();
  }

  async #join(): Promise<void> {
    const signalling = this.#signalling;
    if (!signalling || this.phase === 'ended') return;
    // A (re)connection is a new peerId: connections made under the old one are gone for the others.
    this.#closeLinks();
    this.phase = 'joining';
    const ack = await signalling.join(this.room);
    if (this.#ended()) return;
    if (!ack.ok) {
      this.#end(joinFailure(ack.error));
      return;
    }
    this.#self = { name: ack.self.name, userId: ack.self.userId };
    this.selfPeerId = ack.self.peerId;
    const previousHost = this.hostPeerId;
    this.hostPeerId = ack.hostPeerId;
    if (ack.hostPeerId) this.hostSeen = true;
    this.members = [
      {
        peerId: ack.self.peerId,
        userId: ack.self.userId,
        name: ack.self.name,
        role: this.selfRole,
        link: 'self',
      },
      ...ack.peers.map((p) => ({ ...p, link: 'connecting' as const })),
    ];
    this.phase = 'joined';
    for (const peer of ack.peers) this.#openLink(peer, true);
    if (previousHost !== ack.hostPeerId)
      this.#emit((l) => l.hostChanged?.(ack.hostPeerId, previousHost));
    const early = this.#earlyJoins;
    this.#earlyJoins = [];
    for (const peer of early) if (!this.#links.has(peer.peerId)) this.#onPeerJoined(peer);
    this.host.requestUpdate();
  }

  #openLink(peer: PeerInfo, initiator: boolean): PeerLink {
    const link = new PeerLink(
      {
        selfPeerId: this.selfPeerId ?? '',
        remotePeerId: peer.peerId,
        self: { name: this.#self.name, role: this.selfRole },
        iceServers: () => api.iceServers(),
        relayOnly: this.options.relayOnly,
        receiveMedia: peer.role === 'host' && !this.isHost,
      },
      {
        signal: (data) => this.#signalling?.signal(peer.peerId, data),
        state: (state, reason) => this.#setLinkState(peer.peerId, state, reason),
        hello: () => {
          const member = this.#member(peer.peerId);
          if (member) this.#emit((l) => l.linkReady?.(member));
        },
        message: (message) => this.#onMessage(peer.peerId, message),
        track: (track, stream) => {
          if (peer.peerId === this.hostPeerId) this.#emit((l) => l.remoteTrack?.(track, stream));
        },
      },
    );
    this.#links.set(peer.peerId, link);
    if (this.isHost && peer.role === 'guest') link.setOutgoing(this.#outgoing);
    link.start(initiator);
    for (const data of this.#pending.get(peer.peerId) ?? []) link.signal(data);
    this.#pending.delete(peer.peerId);
    return link;
  }

  #onMessage(from: string, message: PeerMessage): void {
    const member = this.#member(from);
    if (!member) return;
    if (!accepts(message.type, from, this.hostPeerId, this.selfPeerId)) return;
    this.#emit((l) => l.message?.(member, message));
  }

  #onPeerJoined(peer: PeerInfo): void {
    if (this.phase === 'joining') this.#earlyJoins = [...this.#earlyJoins, peer];
    if (this.phase !== 'joined' || peer.peerId === this.selfPeerId) return;
    this.#links.get(peer.peerId)?.close();
    const member: Member = { ...peer, link: 'connecting' };
    this.members = [...this.members.filter((m) => m.peerId !== peer.peerId), member];
    if (peer.role === 'host') {
      const previous = this.hostPeerId;
      this.hostPeerId = peer.peerId;
      this.hostSeen = true;
      this.#emit((l) => l.hostChanged?.(peer.peerId, previous));
    }
    this.#emit((l) => l.memberJoined?.(member));
    this.#openLink(peer, false);
    this.host.requestUpdate();
  }

  #onPeerLeft(peerId: string): void {
    const member = this.#member(peerId);
    this.#links.get(peerId)?.close();
    this.#links.delete(peerId);
    this.#pending.delete(peerId);
    if (!member) return;
    this.members = this.members.filter((m) => m.peerId !== peerId);
    this.#emit((l) => l.memberLeft?.(member));
    if (peerId === this.hostPeerId) {
      this.hostPeerId = null;
      this.#emit((l) => l.hostChanged?.(null, peerId));
    }
    this.host.requestUpdate();
  }

  #onSignal(from: string, data: unknown): void {
    const link = this.#links.get(from);
    if (link) {
      link.signal(data);
      return;
    }
    // A signal can beat the peer:joined that introduces its sender; hold a few until it comes.
    const queue = this.#pending.get(from) ?? [];
    if (queue.length < PENDING_SIGNALS_MAX) queue.push(data);
    this.#pending.set(from, queue);
  }

  #onServerStatus(status: ServerLink): void {
    this.server = status;
    if (status === 'refused') void this.#onRefused();
    this.host.requestUpdate();
  }

  /** The server turned us away: a lost session means sign in again; otherwise say so. */
  async #onRefused(): Promise<void> {
    try {
      await api.me();
      this.#end({
        reason: 'refused',
        message: 'The server refused the connection.',
        forgetPin: false,
      });
    } catch (err) {
      if (err instanceof HttpError && err.unauthorized) {
        this.#end({ reason: 'signed-out', message: 'Your session has ended.', forgetPin: false });
      } else {
        // Unreachable after all: socket.io has stopped, so start it again by hand.
        this.server = 'reconnecting';
        setTimeout(() => this.#signalling?.connect(), 2000);
        this.host.requestUpdate();
      }
    }
  }

  #setLinkState(peerId: string, state: LinkState, reason: string): void {
    if (!this.#links.has(peerId)) return;
    this.members = this.members.map((m) => {
      if (m.peerId !== peerId) return m;
      // Kept through the retries that follow, until a connection finally forms.
      let relayUnreachable = m.relayUnreachable ?? false;
      if (state === 'connected') relayUnreachable = false;
      else if (state === 'failed' && reason === CONNECT_TIMEOUT) {
        relayUnreachable = this.options.relayOnly;
      }
      return { ...m, link: state, relayUnreachable };
    });
    this.host.requestUpdate();
  }

  /** A method, not a field read, so TypeScript does not narrow it across an await. */
  #ended(): boolean {
    return this.phase === 'ended';
  }

  #member(peerId: string): Member | undefined {
    return this.members.find((m) => m.peerId === peerId);
  }

  #emit(call: (listener: MeshListener) => void): void {
    for (const listener of this.#listeners) {
      try {
        call(listener);
      } catch (err) {
        console.error(err);
      }
    }
  }

  #end(end: MeshEnd): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.#teardown();
    this.#emit((l) => l.ended?.(end));
    this.host.requestUpdate();
  }

  #closeLinks(): void {
    for (const link of this.#links.values()) link.close();
    this.#links.clear();
    this.#pending.clear();
  }

  #teardown(): void {
    this.phase = 'ended';
    this.#closeLinks();
    this.#signalling?.close();
    this.#signalling = null;
  }
}

function joinFailure(error: ApiError): MeshEnd {
  switch (error.code) {
    case 'wrong_pin':
      return {
        reason: 'refused',
        message: 'That PIN is not right for this room.',
        forgetPin: true,
      };
    case 'room_not_found':
      return { reason: 'refused', message: 'There is no room with that ID.', forgetPin: true };
    case 'room_closed':
      return { reason: 'closed', message: 'That room has been closed.', forgetPin: true };
    case 'rate_limited':
      return {
        reason: 'refused',
        message: 'Too many attempts. Wait a while and try again.',
        forgetPin: true,
      };
    case 'unauthorized':
      return { reason: 'signed-out', message: 'Your session has ended.', forgetPin: false };
    default:
      return {
        reason: 'refused',
        message: error.message || 'Could not join the room.',
        forgetPin: false,
      };
  }
}
