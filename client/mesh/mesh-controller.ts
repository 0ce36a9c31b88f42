import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ApiError } from '../../shared/errors';
import type { PeerMessage } from '../../shared/peer-messages';
import type { JoinSuccess, PeerInfo, Resume, Role, RoomClosed } from '../../shared/socket';
import type { ClockEstimate } from '../../shared/sync/clock-offset';
import type { Member } from './member';
import { accepts } from './message-policy';
import { CONNECT_TIMEOUT, type LinkState, type OutgoingMedia, PeerLink } from './peer-link';
import { planRejoin } from './rejoin-plan';
import { type ServerLink, SignallingClient } from './signalling-client';

/** joining: asking the server; joined: in the room; ended: closed, refused or left. */
export type MeshPhase = 'joining' | 'joined' | 'ended';

/** Why the room ended for us; the page says it in words. */
export type MeshEnd =
  /** We left (leave()). */
  | { reason: 'left' }
  | { reason: 'signed-out' }
  /** The server could not be reached when the room page opened. */
  | { reason: 'unreachable' }
  /** The server turned our socket away although our session is good. */
  | { reason: 'refused' }
  | { reason: 'closed'; cause: RoomClosed['reason'] }
  | { reason: 'join-failed'; error: ApiError };

/** What a check of our session found. */
export type SessionCheck = 'ok' | 'signed-out' | 'unreachable';

export interface MeshOptions {
  readonly roomId: string;
  /** Read at each join, so a rejoin after a reconnect uses a PIN the host rotated since. */
  pin(): string;
  /** Offer and accept relay candidates only (see PeerLinkOptions.relayOnly). */
  readonly relayOnly: boolean;
  /** STUN and TURN servers, fetched for every connection attempt. */
  iceServers(): Promise<RTCIceServer[]>;
  checkSession(): Promise<SessionCheck>;
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
  #hostAwayUntil: number | null = null;
  /** Wrong PINs for our room, reported to the host only. */
  pinAttempts: { failed: number; windowSeconds: number } | null = null;
  members: readonly Member[] = [];

  readonly #links = new Map<string, PeerLink>();
  readonly #pending = new Map<string, unknown[]>();
  /** Our join is sent and unanswered: peer:joined events wait in #earlyJoins until it is. */
  #awaitingAck = false;
  #earlyJoins: PeerInfo[] = [];
  /** What takes our peerId back when we join again after the socket dropped. */
  #resume: Resume | null = null;
  /**
   * Members kept across a reconnection, with a live link, whom the server has not listed since
   * (they have not rejoined yet). If their link breaks before they do, they are taken as gone.
   */
  readonly #unconfirmed = new Set<string>();
  readonly #listeners = new Set<MeshListener>();
  #signalling: SignallingClient | null = null;
  #outgoing: OutgoingMedia | null = null;
  #self: { name: string; userId: string } = { name: '', userId: '' };

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: MeshOptions,
  ) {
    host.addController(this);
  }

  get isHost(): boolean {
    return this.selfPeerId !== null && this.selfPeerId === this.hostPeerId;
  }

  /** While the host is away: when the room closes unless they return (server clock, ms). */
  get hostAwayUntil(): number | null {
    return this.hostPeerId === null ? this.#hostAwayUntil : null;
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

  /** Leaves on purpose (Leave room, or the host closed the room from this page). */
  leave(): void {
    this.#signalling?.leave();
    this.#end({ reason: 'left' });
  }

  async #start(): Promise<void> {
    const session = await this.options.checkSession();
    if (session !== 'ok') {
      this.#end({ reason: session });
      return;
    }
    if (this.#ended()) return;
    this.#signalling = new SignallingClient({
      status: (s) => this.#onServerStatus(s),
      connected: () => void this.#join(),
      peerJoined: (p) => this.#onPeerJoined(p),
      peerLeft: (id) => this.#onPeerLeft(id),
      signal: ({ from, data }) => this.#onSignal(from, data),
      roomClosed: ({ reason }) => this.#end({ reason: 'closed', cause: reason }),
      hostAway: ({ closesAt }) => {
        this.#hostAwayUntil = closesAt;
        this.host.requestUpdate();
      },
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
    this.#awaitingAck = true;
    const ack = await signalling.join({
      roomId: this.options.roomId,
      pin: this.options.pin(),
      resume: this.#resume ?? undefined,
    });
    this.#awaitingAck = false;
    if (this.#ended()) return;
    if (!ack.ok) {
      this.#end({ reason: 'join-failed', error: ack.error });
      return;
    }
    this.#resume = ack.resumeToken ? { peerId: ack.self.peerId, token: ack.resumeToken } : null;
    if (this.selfPeerId === ack.self.peerId) this.#rejoined(ack);
    else this.#joined(ack);
    const listed = new Set(ack.peers.map((p) => p.peerId));
    const early = this.#earlyJoins;
    this.#earlyJoins = [];
    for (const peer of early) if (!listed.has(peer.peerId)) this.#onPeerJoined(peer);
    this.host.requestUpdate();
  }

  /** A first join, or one under a new peerId: links made under an old one are gone for the others. */
  #joined(ack: JoinSuccess): void {
    this.#closeLinks();
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
  }

  /**
   * Back under the same peerId after the socket dropped (e.g. a server restart): every link
   * still connected is kept, so chat and video never stop (see planRejoin).
   */
  #rejoined(ack: JoinSuccess): void {
    const previousHost = this.hostPeerId;
    const plan = planRejoin(this.members, ack.peers, ack.hostPeerId, previousHost, (id) =>
      this.#isLive(id),
    );
    for (const peer of ack.peers) this.#unconfirmed.delete(peer.peerId);
    for (const id of plan.unconfirmed) this.#unconfirmed.add(id);
    for (const id of [...plan.fresh, ...plan.gone].map((p) => p.peerId)) this.#dropLink(id);
    this.members = [...this.members.filter((m) => m.link === 'self'), ...plan.members];
    this.hostPeerId = plan.hostPeerId;
    if (this.hostPeerId) this.hostSeen = true;
    this.phase = 'joined';
    for (const peer of plan.fresh) this.#openLink(peer, true);
    for (const member of plan.gone) this.#emit((l) => l.memberLeft?.(member));
    if (previousHost !== this.hostPeerId)
      this.#emit((l) => l.hostChanged?.(this.hostPeerId, previousHost));
  }

  #isLive(peerId: string): boolean {
    return this.#links.get(peerId)?.state === 'connected';
  }

  #dropLink(peerId: string): void {
    this.#links.get(peerId)?.close();
    this.#links.delete(peerId);
  }

  #openLink(peer: PeerInfo, initiator: boolean): PeerLink {
    const link = new PeerLink(
      {
        selfPeerId: this.selfPeerId ?? '',
        remotePeerId: peer.peerId,
        self: { name: this.#self.name, role: this.selfRole },
        iceServers: () => this.options.iceServers(),
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

  /**
   * Someone (re)joined. A peerId we still have a connected link with is someone back after a
   * dropped socket: the link stays. Otherwise they offer to us, so we wait as the answering side.
   */
  #onPeerJoined(peer: PeerInfo): void {
    if (this.#awaitingAck) {
      this.#earlyJoins = [...this.#earlyJoins, peer];
      return;
    }
    if (this.phase !== 'joined' || peer.peerId === this.selfPeerId) return;
    this.#unconfirmed.delete(peer.peerId);
    const before = this.#member(peer.peerId);
    const keep = before !== undefined && this.#isLive(peer.peerId);
    if (!keep) this.#dropLink(peer.peerId);
    const member: Member = keep ? { ...before, ...peer } : { ...peer, link: 'connecting' };
    this.members = before
      ? this.members.map((m) => (m.peerId === peer.peerId ? member : m))
      : [...this.members, member];
    if (peer.role === 'host' && this.hostPeerId !== peer.peerId) {
      const previous = this.hostPeerId;
      this.hostPeerId = peer.peerId;
      this.hostSeen = true;
      this.#emit((l) => l.hostChanged?.(peer.peerId, previous));
    }
    if (!before) this.#emit((l) => l.memberJoined?.(member));
    if (!keep) this.#openLink(peer, false);
    this.host.requestUpdate();
  }

  #onPeerLeft(peerId: string): void {
    const member = this.#member(peerId);
    this.#unconfirmed.delete(peerId);
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
    const session = await this.options.checkSession();
    if (session === 'ok') this.#end({ reason: 'refused' });
    else if (session === 'signed-out') this.#end({ reason: 'signed-out' });
    else {
      // Unreachable after all: socket.io has stopped, so start it again by hand.
      this.server = 'reconnecting';
      setTimeout(() => this.#signalling?.connect(), 2000);
      this.host.requestUpdate();
    }
  }

  #setLinkState(peerId: string, state: LinkState, reason: string): void {
    const link = this.#links.get(peerId);
    if (!link) return;
    if (state !== 'connected' && this.#unconfirmed.has(peerId)) {
      // After the link has finished reporting: closing it from inside its own callback would race its retry.
      queueMicrotask(() => this.#forgetUnconfirmed(peerId));
    }
    this.members = this.members.map((m) => {
      if (m.peerId !== peerId) return m;
      // Kept through the retries that follow, until a connection finally forms.
      let relayUnreachable = m.relayUnreachable ?? false;
      if (state === 'connected') relayUnreachable = false;
      else if (state === 'failed' && reason === CONNECT_TIMEOUT) {
        relayUnreachable = this.options.relayOnly;
      }
      return { ...m, link: state, relayUnreachable, outdated: link.outdated ?? undefined };
    });
    this.host.requestUpdate();
  }

  /**
   * A member kept across our reconnection lost its link and the server, online and answering,
   * has not seen them since: they are gone (while the server is away, wait for its list).
   */
  #forgetUnconfirmed(peerId: string): void {
    const online = this.server === 'online' && !this.#awaitingAck && this.phase === 'joined';
    if (!online || !this.#unconfirmed.has(peerId) || this.#isLive(peerId)) return;
    this.#unconfirmed.delete(peerId);
    this.#onPeerLeft(peerId);
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
    this.#unconfirmed.clear();
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
