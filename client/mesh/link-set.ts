import type { PeerMessage } from '../../shared/peer-messages';
import type { Role, SignalData } from '../../shared/socket';
import type { ClockEstimate } from '../../shared/sync/clock-offset';
import type { FileEvent } from './file-channel';
import {
  CONNECT_TIMEOUT,
  NO_RELAY,
  type OutgoingMedia,
  PeerLink,
  type PersonalMedia,
} from './peer-link';
import type { PersonalChange } from './personal-tracks';
import type { LinkChange } from './room-state';

export interface LinkSetOptions {
  /** Called for every connection attempt, because TURN credentials expire. */
  iceServers: () => Promise<RTCIceServer[]>;
  relayOnly: boolean;
}

/** What the links report, each with the peerId of the member at the other end. */
export interface LinkSetListener {
  /** A signal for the server to relay to that member. */
  signal(to: string, data: SignalData): void;
  changed(peerId: string, change: LinkChange): void;
  /** Their hello arrived and we can send: the connection is usable. */
  ready(peerId: string): void;
  message(peerId: string, message: PeerMessage): void;
  track(peerId: string, track: MediaStreamTrack, stream: MediaStream): void;
  /** Their voice or camera came on or went off. */
  personal(peerId: string, change: PersonalChange<MediaStreamTrack>): void;
  /** The link's binary `lc-file` channel, for a shared file's chunks. */
  file(peerId: string, event: FileEvent): void;
}

/** How to open one link; each kind of traffic a link carries gets its say here. */
export interface LinkOpening {
  /** We offer (we joined after them), or we answer their offer. */
  initiator: boolean;
  /** Who we are to them, as our hello says. */
  self: { peerId: string; name: string; role: Role };
  /** Ask them for audio and video (a guest's link to the host). */
  receiveMedia: boolean;
  /** Send them the host's media (the host's link to each guest). */
  sendMedia: boolean;
}

/** Signals held per peer whose link does not exist yet; a real offer needs a handful. */
const PENDING_SIGNALS_MAX = 64;

/**
 * Link management: one PeerLink per other member, opened and closed as the room state says;
 * signals routed to them (and held for a peer whose link is not open yet, since a signal can
 * beat the `peer:joined` that introduces its sender); messages out; the host's media on the
 * links that carry it; the clock estimate to anyone.
 */
export class LinkSet {
  readonly #links = new Map<string, PeerLink>();
  readonly #pending = new Map<string, unknown[]>();
  /** Links that carry the host's media. */
  readonly #media = new Set<string>();
  #outgoing: OutgoingMedia | null = null;
  #personal: PersonalMedia = {};

  constructor(
    private readonly options: LinkSetOptions,
    private readonly listener: LinkSetListener,
  ) {}

  open(peerId: string, opening: LinkOpening): void {
    const current = (): boolean => this.#links.get(peerId) === link;
    const fileEvent = (event: FileEvent) => {
      if (current()) this.listener.file(peerId, event);
    };
    const link: PeerLink = new PeerLink(
      {
        selfPeerId: opening.self.peerId,
        remotePeerId: peerId,
        self: { name: opening.self.name, role: opening.self.role },
        iceServers: this.options.iceServers,
        relayOnly: this.options.relayOnly,
        receiveMedia: opening.receiveMedia,
      },
      {
        signal: (data) => this.listener.signal(peerId, data),
        state: (state, reason) => {
          if (!current()) return;
          const change = {
            state,
            timedOut: reason === CONNECT_TIMEOUT,
            noRelay: reason === NO_RELAY,
            outdated: link.outdated,
          };
          this.listener.changed(peerId, change);
        },
        hello: () => {
          if (current()) this.listener.ready(peerId);
        },
        message: (message) => {
          if (current()) this.listener.message(peerId, message);
        },
        track: (track, stream) => {
          if (current()) this.listener.track(peerId, track, stream);
        },
        personal: (change) => {
          if (current()) this.listener.personal(peerId, change);
        },
        file: {
          open: () => fileEvent({ kind: 'open' }),
          closed: () => fileEvent({ kind: 'closed' }),
          data: (bytes) => fileEvent({ kind: 'data', bytes }),
          drain: () => fileEvent({ kind: 'drain' }),
        },
      },
    );
    this.#links.set(peerId, link);
    if (opening.sendMedia) {
      this.#media.add(peerId);
      link.setOutgoing(this.#outgoing);
    }
    link.setPersonal(this.#personal);
    link.start(opening.initiator);
    for (const data of this.#pending.get(peerId) ?? []) link.signal(data);
    this.#pending.delete(peerId);
  }

  /** A signal the server relayed from `from`. */
  signal(from: string, data: unknown): void {
    const link = this.#links.get(from);
    if (link) {
      link.signal(data);
      return;
    }
    const queue = this.#pending.get(from) ?? [];
    if (queue.length < PENDING_SIGNALS_MAX) queue.push(data);
    this.#pending.set(from, queue);
  }

  /** Ends the link to `peerId` for good, with any signals held for it. */
  close(peerId: string): void {
    // It reports 'closed' while still in the set: the member shows it until the room state moves on.
    this.#links.get(peerId)?.close();
    this.#links.delete(peerId);
    this.#pending.delete(peerId);
    this.#media.delete(peerId);
  }

  closeAll(): void {
    for (const peerId of [...this.#links.keys()]) this.close(peerId);
    this.#pending.clear();
  }

  /** Whether our connection to `peerId` is up. */
  isLive(peerId: string): boolean {
    return this.#links.get(peerId)?.state === 'connected';
  }

  /** Sends to one member; false when that connection is not open. */
  send(peerId: string, message: PeerMessage): boolean {
    return this.#links.get(peerId)?.send(message) ?? false;
  }

  /** Queues a chunk on the link's `lc-file`; false when it is closed or full (wait for drain). */
  sendFile(peerId: string, bytes: ArrayBuffer | Uint8Array<ArrayBuffer>): boolean {
    return this.#links.get(peerId)?.sendFile(bytes) ?? false;
  }

  /** Sends to every open connection; returns how many took it. */
  broadcast(message: PeerMessage): number {
    let sent = 0;
    for (const link of this.#links.values()) if (link.send(message)) sent += 1;
    return sent;
  }

  /** The host's media for every link that carries it, now and for those opened later. */
  setOutgoing(media: OutgoingMedia | null): void {
    this.#outgoing = media;
    for (const peerId of this.#media) this.#links.get(peerId)?.setOutgoing(media);
  }

  /** The getStats report of our connection to `peerId`, if one is up. */
  stats(peerId: string): Promise<RTCStatsReport | null> {
    return this.#links.get(peerId)?.stats() ?? Promise.resolve(null);
  }

  /** Our voice and camera for every link, now and for those opened later. */
  setPersonal(media: PersonalMedia): void {
    this.#personal = media;
    for (const link of this.#links.values()) link.setPersonal(media);
  }

  /** The other side's clock against ours, from ping/pong on that link; null until measured. */
  clock(peerId: string): ClockEstimate | null {
    return this.#links.get(peerId)?.clock.estimate() ?? null;
  }
}
