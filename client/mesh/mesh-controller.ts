import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ApiError } from '../../shared/errors';
import type { PeerMessage } from '../../shared/peer-messages';
import type { PeerInfo, Resume, Role, RoomClosed } from '../../shared/socket';
import type { ClockEstimate } from '../../shared/sync/clock-offset';
import type { FileEvent } from './file-channel';
import { LinkSet } from './link-set';
import type { Member } from './member';
import { accepts } from './message-policy';
import type { OutgoingMedia, PersonalMedia } from './peer-link';
import type { PersonalKind } from './personal-tracks';
import {
  EMPTY_ROOM,
  findMember,
  hostAway,
  hostAwayUntil,
  isHost,
  joined,
  type LinkChange,
  linkChanged,
  peerJoined,
  peerLeft,
  type RoomEvent,
  type RoomState,
  type RoomStep,
  rejoined,
  selfRole,
} from './room-state';
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
  /** A member's voice or camera came on (a track) or went off (null). */
  personalTrack?(member: Member, kind: PersonalKind, track: MediaStreamTrack | null): void;
  /** A member's `lc-file` channel opened, closed, brought a chunk or has room again. */
  file?(from: Member, event: FileEvent): void;
  ended?(end: MeshEnd): void;
}

/**
 * The room's mesh as the page sees it: the socket to the signalling server and the join and
 * rejoin lifecycle, here; who is in the room and who hosts, in RoomState (pure); one PeerLink
 * per other member, in LinkSet. As DESIGN.md's mesh section says, the joiner offers to everyone
 * in its join answer, members answer when the first signal arrives; data goes everywhere,
 * media only between the host and each guest.
 */
export class MeshController implements ReactiveController {
  phase: MeshPhase = 'joining';
  server: ServerLink = 'connecting';
  /** Wrong PINs for our room, reported to the host only. */
  pinAttempts: { failed: number; windowSeconds: number } | null = null;

  #state: RoomState = EMPTY_ROOM;
  readonly #links: LinkSet;
  /** Our join is sent and unanswered: peer:joined events wait in #earlyJoins until it is. */
  #awaitingAck = false;
  #earlyJoins: PeerInfo[] = [];
  /** What takes our peerId back when we join again after the socket dropped. */
  #resume: Resume | null = null;
  readonly #listeners = new Set<MeshListener>();
  /** Each member's voice and camera as received now, for parts that start listening late. */
  readonly #personal = new Map<string, Partial<Record<PersonalKind, MediaStreamTrack>>>();
  #signalling: SignallingClient | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: MeshOptions,
  ) {
    this.#links = new LinkSet(
      { iceServers: () => options.iceServers(), relayOnly: options.relayOnly },
      {
        signal: (to, data) => this.#signalling?.signal(to, data),
        changed: (peerId, change) => this.#onLinkChanged(peerId, change),
        ready: (peerId) => {
          const member = findMember(this.#state, peerId);
          if (member) this.#emit((l) => l.linkReady?.(member));
        },
        message: (peerId, message) => this.#onMessage(peerId, message),
        track: (peerId, track, stream) => {
          if (peerId === this.hostPeerId) this.#emit((l) => l.remoteTrack?.(track, stream));
        },
        personal: (peerId, { kind, track }) => {
          const tracks = { ...this.#personal.get(peerId), [kind]: track ?? undefined };
          this.#personal.set(peerId, tracks);
          const member = findMember(this.#state, peerId);
          if (member) this.#emit((l) => l.personalTrack?.(member, kind, track));
        },
        file: (peerId, event) => {
          const member = findMember(this.#state, peerId);
          if (member) this.#emit((l) => l.file?.(member, event));
        },
      },
    );
    host.addController(this);
  }

  get selfPeerId(): string | null {
    return this.#state.selfPeerId;
  }

  get hostPeerId(): string | null {
    return this.#state.hostPeerId;
  }

  /** Whether a host has been here since we joined, to tell "waiting" from "away". */
  get hostSeen(): boolean {
    return this.#state.hostSeen;
  }

  get members(): readonly Member[] {
    return this.#state.members;
  }

  get isHost(): boolean {
    return isHost(this.#state);
  }

  /** While the host is away: when the room closes unless they return (server clock, ms). */
  get hostAwayUntil(): number | null {
    return hostAwayUntil(this.#state);
  }

  get selfRole(): Role {
    return selfRole(this.#state);
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
    return this.#links.send(peerId, message);
  }

  /** Sends to every open connection; returns how many took it. */
  broadcast(message: PeerMessage): number {
    return this.#links.broadcast(message);
  }

  /** Queues a chunk on a member's `lc-file`; false when closed or full (wait for its drain). */
  sendFile(peerId: string, bytes: ArrayBuffer | Uint8Array<ArrayBuffer>): boolean {
    return this.#links.sendFile(peerId, bytes);
  }

  /** The host's media for every guest, now and for guests who join later. */
  setOutgoing(media: OutgoingMedia | null): void {
    this.#links.setOutgoing(media);
  }

  /** Our voice and camera for every member, now and for those who join later. */
  setPersonal(media: PersonalMedia): void {
    this.#links.setPersonal(media);
  }

  /** Each member's voice and camera tracks as received now (peer ID to tracks). */
  personalTracks(): ReadonlyMap<string, Partial<Record<PersonalKind, MediaStreamTrack>>> {
    return this.#personal;
  }

  /** The host clock's estimate from ping/pong on the link to the host; null until measured. */
  hostClock(): ClockEstimate | null {
    const hostPeerId = this.hostPeerId;
    return hostPeerId ? this.#links.clock(hostPeerId) : null;
  }

  /** A member's clock estimate from ping/pong on our link to them; null until measured. */
  clock(peerId: string): ClockEstimate | null {
    return this.#links.clock(peerId);
  }

  /** The getStats report of our connection to a member, for "Connection details". */
  linkStats(peerId: string): Promise<RTCStatsReport | null> {
    return this.#links.stats(peerId);
  }

  /** Host clock minus ours (ms); 0 until measured. */
  hostClockOffset(): number {
    return this.hostClock()?.offset ?? 0;
  }

  /** The host takes this member's account out of the room for good (the server checks it is ours). */
  remove(peerId: string): void {
    this.#signalling?.remove(peerId);
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
      connectFailed: () => void this.#onConnectFailed(),
      connected: () => void this.#join(),
      peerJoined: (p) => this.#onPeerJoined(p),
      peerLeft: (id) => this.#apply(peerLeft(this.#state, id)),
      signal: ({ from, data }) => this.#links.signal(from, data),
      roomClosed: ({ reason }) => this.#end({ reason: 'closed', cause: reason }),
      hostAway: ({ closesAt }) => {
        this.#state = hostAway(this.#state, closesAt);
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
    this.phase = 'joined';
    this.#apply(
      this.selfPeerId === ack.self.peerId
        ? rejoined(this.#state, ack, (id) => this.#links.isLive(id))
        : joined(this.#state, ack),
    );
    const listed = new Set(ack.peers.map((p) => p.peerId));
    const early = this.#earlyJoins;
    this.#earlyJoins = [];
    for (const peer of early) if (!listed.has(peer.peerId)) this.#onPeerJoined(peer);
  }

  #onPeerJoined(peer: PeerInfo): void {
    if (this.#awaitingAck) {
      this.#earlyJoins = [...this.#earlyJoins, peer];
      return;
    }
    if (this.phase !== 'joined' || peer.peerId === this.selfPeerId) return;
    this.#apply(peerJoined(this.#state, peer, (id) => this.#links.isLive(id)));
  }

  /** Carries out a step of the room state: links closed, the new state, links opened, events. */
  #apply(step: RoomStep): void {
    // Closed under the old state, as a link reports 'closed' while it closes.
    if (step.close === 'all') this.#links.closeAll();
    else for (const peerId of step.close) this.#links.close(peerId);
    this.#state = step.state;
    for (const { peer, initiator } of step.open) this.#openLink(peer, initiator);
    for (const event of step.events) this.#emitEvent(event);
    this.host.requestUpdate();
  }

  #openLink(peer: PeerInfo, initiator: boolean): void {
    const self = this.#state.members.find((m) => m.link === 'self');
    this.#links.open(peer.peerId, {
      initiator,
      self: { peerId: this.selfPeerId ?? '', name: self?.name ?? '', role: this.selfRole },
      receiveMedia: peer.role === 'host' && !this.isHost,
      sendMedia: this.isHost && peer.role === 'guest',
    });
  }

  #onMessage(from: string, message: PeerMessage): void {
    const member = findMember(this.#state, from);
    if (!member) return;
    if (!accepts(message.type, from, this.hostPeerId, this.selfPeerId)) return;
    this.#emit((l) => l.message?.(member, message));
  }

  #onLinkChanged(peerId: string, change: LinkChange): void {
    if (change.state !== 'connected' && this.#state.unconfirmed.has(peerId)) {
      // After the link has finished reporting: closing it from inside its own callback would race its retry.
      queueMicrotask(() => this.#forgetUnconfirmed(peerId));
    }
    this.#state = linkChanged(this.#state, peerId, change, this.options.relayOnly);
    this.host.requestUpdate();
  }

  /**
   * A member kept across our reconnection lost its link and the server, online and answering,
   * has not seen them since: they are gone (while the server is away, wait for its list).
   */
  #forgetUnconfirmed(peerId: string): void {
    const online = this.server === 'online' && !this.#awaitingAck && this.phase === 'joined';
    if (!online || !this.#state.unconfirmed.has(peerId) || this.#links.isLive(peerId)) return;
    this.#apply(peerLeft(this.#state, peerId));
  }

  #onServerStatus(status: ServerLink): void {
    this.server = status;
    if (status === 'refused') void this.#onRefused();
    this.host.requestUpdate();
  }

  /** One session check at a time; socket.io keeps retrying meanwhile (every 0.5–4 s). */
  #checkingSession = false;

  /** A failed attempt may be a lost session (refused at the upgrade): then sign in again. */
  async #onConnectFailed(): Promise<void> {
    if (this.#checkingSession || this.#ended()) return;
    this.#checkingSession = true;
    try {
      if ((await this.options.checkSession()) === 'signed-out') this.#end({ reason: 'signed-out' });
    } finally {
      this.#checkingSession = false;
    }
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

  /** A method, not a field read, so TypeScript does not narrow it across an await. */
  #ended(): boolean {
    return this.phase === 'ended';
  }

  #emitEvent(event: RoomEvent): void {
    switch (event.type) {
      case 'memberJoined':
        this.#emit((l) => l.memberJoined?.(event.member));
        return;
      case 'memberLeft':
        // Their link is closed by now, and whatever it still reports is dropped (link-set.ts).
        this.#personal.delete(event.member.peerId);
        this.#emit((l) => l.memberLeft?.(event.member));
        return;
      case 'hostChanged':
        this.#emit((l) => l.hostChanged?.(event.hostPeerId, event.previous));
        return;
    }
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

  #teardown(): void {
    this.phase = 'ended';
    this.#links.closeAll();
    this.#signalling?.close();
    this.#signalling = null;
  }
}
