import Peer, { type PeerError } from '@thaunknown/simple-peer';
import {
  decodePeerMessage,
  encodePeerMessage,
  fitsPeerMessage,
  type PeerMessage,
  type PeerMessageOf,
  PROTOCOL_VERSION,
} from '../../shared/peer-messages';
import { type Role, type SignalData, signalDataSchema } from '../../shared/socket';
import { ClockOffsetEstimator } from '../../shared/sync/clock-offset';
import {
  DEFAULT_PING_SCHEDULE,
  nextPingDelay,
  type PingSchedule,
} from '../../shared/sync/ping-schedule';
import { now } from '../util/clock';
import { TokenBucket } from '../util/token-bucket';
import { preferVideoCodec } from './codec-preference';
import { FileChannel, type FileChannelListener } from './file-channel';
import { reinitiates, retryDelay, sdpSessionId } from './link-policy';
import { capPersonal } from './personal-encoding';
import {
  PERSONAL_KINDS,
  type PersonalChange,
  type PersonalKind,
  RemotePersonalTracks,
} from './personal-tracks';
import { type Outdated, outdatedSide } from './protocol-version';

/**
 * connecting: an attempt is under way (or we wait for the other side's offer);
 * connected: data channel open; failed: the last attempt broke and will not be retried
 * (or is about to be); retrying: waiting to start a fresh attempt; closed: done for good.
 */
export type LinkState = 'connecting' | 'connected' | 'failed' | 'retrying' | 'closed';

export type MediaKind = 'audio' | 'video';

/** What the host sends on a link: at most one track per kind, all in one stream. */
export interface OutgoingMedia {
  stream: MediaStream;
  tracks: Partial<Record<MediaKind, MediaStreamTrack>>;
  /** Caps the connection's encode of this video track (live-encoding.ts, in the host's code). */
  limitVideo(pc: RTCPeerConnection, track: MediaStreamTrack): Promise<void>;
}

/** A member's own voice and camera, each in a stream of its own that keeps its id while on or off. */
export type PersonalMedia = Partial<
  Record<PersonalKind, { stream: MediaStream; track: MediaStreamTrack }>
>;

export interface PeerLinkListener {
  signal(data: SignalData): void;
  state(state: LinkState, reason: string): void;
  /** A validated message after the other side's hello (hello, ping and pong are handled here). */
  message(message: PeerMessage): void;
  /** Their hello arrived and we can send: the place to greet them (history, playback state). */
  hello(hello: PeerMessageOf<'hello'>): void;
  /** A remote track arrived; `stream` holds this connection's latest track of each kind. */
  track(track: MediaStreamTrack, stream: MediaStream): void;
  /** Their voice or camera came on (a track) or went off (null), this connection's or for good. */
  personal(change: PersonalChange<MediaStreamTrack>): void;
  /** The binary `lc-file` channel of each attempt, for whoever moves a file's chunks. */
  file?: FileChannelListener;
}

export interface PeerLinkOptions {
  selfPeerId: string;
  remotePeerId: string;
  self: { name: string; role: Role };
  /** Called for every attempt, because TURN credentials expire (TURN_TTL). */
  iceServers: () => Promise<RTCIceServer[]>;
  /** Offer and accept relay candidates only, so the other side never learns our address. */
  relayOnly: boolean;
  /** Ask the other side for audio and video when we make the offer (a guest's link to the host). */
  receiveMedia: boolean;
  /** A connection can sit in ICE 'new' forever (e.g. bad TURN credentials); give up after this. */
  connectTimeoutMs?: number;
  /** When to ping: a burst as the link opens, for a good clock estimate at once, then periodic. */
  pingSchedule?: PingSchedule;
  /** No message at all for this long means the link is dead even if WebRTC has not noticed. */
  silenceTimeoutMs?: number;
  /** Token bucket for incoming messages: burst and steady rate per second. */
  burst?: number;
  ratePerSecond?: number;
  /** The `hello.v` we speak; PROTOCOL_VERSION but in tests of a mismatch. */
  protocolVersion?: number;
}

/** Signals held while an attempt waits for its ICE servers; a real answer needs a handful. */
const QUEUED_SIGNALS_MAX = 64;

/** Default token bucket for a link's incoming messages (e2e/hostile-peer.spec.ts bounds a flood by it). */
export const INCOMING_BURST = 60;
export const INCOMING_RATE_PER_SECOND = 30;

/**
 * Token bucket for signals that come on the link itself: a renegotiation takes a handful, the
 * first connection's late candidates a few more. A flood past it is dropped, not negotiated.
 */
export const SIGNAL_BURST = 32;
export const SIGNAL_RATE_PER_SECOND = 4;

/**
 * How long a connection that met another protocol version stays open, so our hello gets there
 * even to a page whose main thread is starved.
 */
const OUTDATED_CLOSE_MS = 3000;

/** The reason a link fails with when no connection formed in time. */
export const CONNECT_TIMEOUT = 'connect timeout';

/**
 * The reason a relay-only link reports (its state unchanged) when the attempt finished gathering
 * without a single relay candidate: the relay refused us or could not be reached. Each side
 * learns it from its own gathering, so the side that answers fresh offers, whose connect timer
 * every new offer restarts, is told as surely as the side that makes them.
 */
export const NO_RELAY = 'no relay candidate';

/** One simple-peer connection; a link makes a fresh one for every retry. */
interface Attempt {
  /** Null while the ICE servers load; signals wait in `queued` until then. */
  peer: Peer | null;
  queued: SignalData[];
  initiator: boolean;
  /** The other side's SDP session id, which tells a renegotiation from a fresh connection. */
  remoteSession: string | null;
  /** The other side's hello, once it came. */
  hello: PeerMessageOf<'hello'> | null;
  /** simple-peer said 'connect', so we can send. Data can arrive a little before that. */
  open: boolean;
  /** Per kind, the first track added on this attempt: simple-peer finds the sender by it. */
  senderKeys: Map<MediaKind, MediaStreamTrack>;
  /** Per kind, the stream its sender was added with; simple-peer keys senders by track and stream. */
  senderStreams: Map<MediaKind, MediaStream>;
  /** What we received, gathered in one stream for a single <video> (created on the first track). */
  remote: MediaStream | null;
  sent: Map<MediaKind, MediaStreamTrack | null>;
  /** Pings sent on this attempt, which place it in the ping schedule. */
  pings: number;
  /** Their hello spoke another protocol version: this attempt only lingers until it closes. */
  outdated: boolean;
  /** The attempt's `lc-file` channel, made with its connection. */
  file: FileChannel | null;
  /** Which of their tracks are their voice and camera. */
  personal: RemotePersonalTracks<MediaStreamTrack>;
  /** Our voice and camera senders on this connection, kept (with no track) while off. */
  personalSenders: Map<PersonalKind, RTCRtpSender>;
  /** An offer that came on the link is being answered: another one before that is dropped. */
  answering: boolean;
  /** Local candidates gathered so far (only relay ones when relay only). */
  candidates: number;
}

/**
 * Our connection to one other member for as long as both are in the room: explicit states,
 * one teardown path (`#dropAttempt`), a connect timeout, liveness pings, and retry with a
 * fresh RTCPeerConnection, re-initiated by the side `reinitiates` picks so offers never cross.
 */
export class PeerLink {
  readonly remotePeerId: string;
  readonly clock = new ClockOffsetEstimator();
  #state: LinkState = 'connecting';
  #attempt: Attempt | null = null;
  #failures = 0;
  #dropped = 0;
  #outdated: Outdated | null = null;
  #outgoing: OutgoingMedia | null = null;
  #personal: PersonalMedia = {};
  #bucket: TokenBucket;
  #signals: TokenBucket;
  #lastHeard = 0;
  #pingId = 0;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #outdatedTimer: ReturnType<typeof setTimeout> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #opts: Required<PeerLinkOptions>;

  constructor(
    options: PeerLinkOptions,
    private readonly listener: PeerLinkListener,
  ) {
    this.#opts = {
      connectTimeoutMs: 15_000,
      pingSchedule: DEFAULT_PING_SCHEDULE,
      silenceTimeoutMs: 12_000,
      burst: INCOMING_BURST,
      ratePerSecond: INCOMING_RATE_PER_SECOND,
      protocolVersion: PROTOCOL_VERSION,
      ...options,
    };
    this.remotePeerId = options.remotePeerId;
    this.#bucket = new TokenBucket(this.#opts.burst, this.#opts.ratePerSecond, now());
    this.#signals = new TokenBucket(SIGNAL_BURST, SIGNAL_RATE_PER_SECOND, now());
  }

  get state(): LinkState {
    return this.#state;
  }

  /** Messages dropped because the other side sent too many, too large or malformed ones. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Whose page is out of date, when the other side's hello spoke another protocol version. */
  get outdated(): Outdated | null {
    return this.#outdated;
  }

  /** The current connection's getStats report, for "Connection details"; null while there is none. */
  async stats(): Promise<RTCStatsReport | null> {
    const pc = this.#attempt?.peer?._pc;
    return pc ? pc.getStats() : null;
  }

  /** Starts the first attempt: as initiator, or waiting for the other side's offer. */
  start(initiator: boolean): void {
    if (this.#state === 'closed') return;
    if (initiator) this.#newAttempt(true);
    this.#armConnectTimer();
    this.#setState('connecting', initiator ? 'offering' : 'waiting for offer');
  }

  /** A signal the server relayed from the other side. */
  signal(raw: unknown): void {
    if (this.#state === 'closed') return;
    const parsed = signalDataSchema.safeParse(raw);
    if (!parsed.success) return;
    const data = parsed.data;
    const isSdp = data.type === 'offer' || data.type === 'answer';
    const session = isSdp ? sdpSessionId(data.sdp) : null;

    if (data.type === 'offer') {
      const current = this.#attempt;
      const fresh =
        !current ||
        (current.remoteSession !== null && current.remoteSession !== session) ||
        (current.initiator && current.remoteSession === null);
      if (fresh) {
        // Two offers crossing: the side the policy picks keeps its own.
        if (current?.initiator && current.remoteSession === null) {
          if (reinitiates(this.#opts.selfPeerId, this.remotePeerId)) return;
        }
        // The other side gave up on a connection that never formed: that attempt failed here
        // too, though our own timer, restarted by each fresh offer, may never run out.
        const failed =
          current !== null && current.remoteSession !== null && this.#state !== 'connected';
        if (current) this.#dropAttempt();
        if (failed) {
          this.#failures += 1;
          this.#setState('failed', CONNECT_TIMEOUT);
        }
        clearTimeout(this.#retryTimer);
        this.#newAttempt(false);
        this.#armConnectTimer();
        this.#setState('connecting', 'answering');
      }
    }
    const attempt = this.#attempt;
    if (!attempt) return; // a late candidate from a connection already torn down
    if (isSdp && attempt.remoteSession === null) attempt.remoteSession = session;
    if (attempt.peer) this.#feed(attempt.peer, data);
    else if (attempt.queued.length < QUEUED_SIGNALS_MAX) attempt.queued.push(data);
  }

  send(message: PeerMessage): boolean {
    const attempt = this.#attempt;
    if (this.#state !== 'connected' || !attempt?.peer?.connected) return false;
    try {
      attempt.peer.send(encodePeerMessage(message));
      return true;
    } catch {
      this.#fail('send failed');
      return false;
    }
  }

  /**
   * Queues one piece (at most FILE_MESSAGE_MAX_BYTES) on `lc-file`. False when that channel is not
   * open or its buffer is full: send it again on the listener's `drain` (or `open`).
   */
  sendFile(bytes: ArrayBuffer | Uint8Array<ArrayBuffer>): boolean {
    return this.#attempt?.file?.send(bytes) ?? false;
  }

  /** Sets what we send (host only). Tracks are swapped in place, never renegotiated away. */
  setOutgoing(media: OutgoingMedia | null): void {
    this.#outgoing = media;
    if (this.#attempt) this.#applyOutgoing(this.#attempt);
  }

  /**
   * Sets our voice and camera (any member). They go out once both sides said hello, announced
   * first on the link, and renegotiate on the link itself, so no signalling server is needed.
   */
  setPersonal(media: PersonalMedia): void {
    this.#personal = media;
    const attempt = this.#attempt;
    if (attempt?.open && attempt.hello) this.#applyPersonal(attempt);
  }

  /** Ends the link for good: the other side left, or we did. */
  close(): void {
    if (this.#state === 'closed') return;
    clearTimeout(this.#retryTimer);
    this.#dropAttempt();
    this.#setState('closed', 'closed');
  }

  #newAttempt(initiator: boolean): void {
    const attempt: Attempt = {
      peer: null,
      queued: [],
      initiator,
      remoteSession: null,
      hello: null,
      open: false,
      senderKeys: new Map(),
      senderStreams: new Map(),
      remote: null,
      sent: new Map(),
      pings: 0,
      outdated: false,
      file: null,
      personal: new RemotePersonalTracks(),
      personalSenders: new Map(),
      answering: false,
      candidates: 0,
    };
    this.#attempt = attempt;
    // The connect timer, already armed by the caller, also covers a slow or failed fetch.
    this.#opts.iceServers().then(
      (iceServers) => {
        if (this.#attempt === attempt) this.#startPeer(attempt, iceServers);
      },
      () => {
        if (this.#attempt === attempt) this.#fail('no ICE servers');
      },
    );
  }

  #startPeer(attempt: Attempt, iceServers: RTCIceServer[]): void {
    const peer = new Peer({
      initiator: attempt.initiator,
      trickle: true,
      config: { iceServers, iceTransportPolicy: this.#opts.relayOnly ? 'relay' : 'all' },
    });
    attempt.peer = peer;
    // Same tick as the constructor, so these ride on the first offer or answer.
    if (attempt.initiator && this.#opts.receiveMedia) {
      peer.addTransceiver('video', { direction: 'recvonly' });
      peer.addTransceiver('audio', { direction: 'recvonly' });
    }
    this.#applyOutgoing(attempt);
    preferVideoCodec(peer._pc);
    // Voice and camera senders get their encodings once negotiated: cap them then.
    peer._pc.addEventListener('signalingstatechange', () => {
      if (peer._pc.signalingState !== 'stable') return;
      attempt.answering = false;
      for (const [kind, sender] of attempt.personalSenders) void capPersonal(sender, kind);
    });
    if (this.#opts.relayOnly) this.#watchGathering(attempt, peer._pc);
    // On every attempt, listened to or not, so both ends always have the same channels.
    attempt.file = new FileChannel(peer._pc, this.listener.file, () => {
      this.#dropped += 1;
    });

    const mine = (): boolean => this.#attempt === attempt;
    peer.on('signal', (data) => {
      if (!mine()) return;
      const parsed = signalDataSchema.safeParse(data);
      if (!parsed.success) return;
      const message = { type: 'signal', data: parsed.data } as const;
      // Once both ends talk, the connection carries its own renegotiation, so tracks come and go
      // while the signalling server is away; one too large for a message still takes the server.
      if (attempt.hello && fitsPeerMessage(message) && this.send(message)) return;
      this.listener.signal(parsed.data);
    });
    peer.on('connect', () => {
      if (mine()) this.#onConnect(attempt);
    });
    peer.on('data', (chunk) => {
      if (mine()) this.#onData(attempt, chunk);
    });
    peer.on('track', (track, stream) => {
      if (!mine()) return;
      const personal = attempt.personal.add(track, stream.id);
      if (personal !== 'other') {
        for (const change of personal) this.listener.personal(change);
        return;
      }
      // Only the host's link carries a movie; anything else unannounced is ignored.
      if (!this.#opts.receiveMedia) return;
      attempt.remote ??= new MediaStream();
      for (const old of attempt.remote.getTracks()) {
        if (old.kind === track.kind) attempt.remote.removeTrack(old);
      }
      attempt.remote.addTrack(track);
      this.listener.track(track, attempt.remote);
    });
    peer.on('error', (err: PeerError) => {
      if (mine()) this.#fail(err.code ?? 'error');
    });
    peer.on('close', () => {
      if (mine()) this.#fail('closed by peer');
    });
    for (const data of attempt.queued.splice(0)) if (mine()) this.#feed(peer, data);
  }

  #watchGathering(attempt: Attempt, pc: RTCPeerConnection): void {
    pc.addEventListener('icecandidate', (event) => {
      if (event.candidate?.candidate) attempt.candidates += 1;
    });
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState !== 'complete' || attempt.candidates > 0) return;
      if (this.#attempt === attempt && this.#state === 'connecting') {
        this.listener.state(this.#state, NO_RELAY);
      }
    });
  }

  #feed(peer: Peer, data: SignalData): void {
    try {
      peer.signal(data);
    } catch {
      this.#fail('bad signal');
    }
  }

  #applyOutgoing(attempt: Attempt): void {
    const peer = attempt.peer;
    if (!peer) return; // #startPeer applies it once the connection exists
    const media = this.#outgoing;
    for (const kind of ['video', 'audio'] as const) {
      const next = media?.tracks[kind] ?? null;
      if ((attempt.sent.get(kind) ?? null) === next) continue;
      const key = attempt.senderKeys.get(kind);
      const stream = attempt.senderStreams.get(kind);
      try {
        if (key && stream) {
          peer.replaceTrack(key, next, stream);
          if (kind === 'video' && next) void media?.limitVideo(peer._pc, next);
        } else if (next && media) {
          // Audio goes out in a stream of its own. Sent in one stream, receivers sync the picture
          // to the sound by capture stamps, and captureStream()'s stamps hold the picture about
          // 110 ms behind its sound (docs/benchmarks.md, Room): later and out of step.
          const own = kind === 'video' ? media.stream : new MediaStream();
          peer.addTrack(next, own);
          if (kind === 'video') {
            preferVideoCodec(peer._pc);
            void media.limitVideo(peer._pc, next);
          }
          attempt.senderStreams.set(kind, own);
          attempt.senderKeys.set(kind, next);
        }
        attempt.sent.set(kind, next);
      } catch {
        this.#fail('media');
        return;
      }
    }
  }

  /** Usable both ways: their hello arrived and our side can send (history, sync) in reply. */
  #maybeReady(attempt: Attempt): void {
    if (!attempt.open || !attempt.hello) return;
    this.listener.hello(attempt.hello);
    this.#applyPersonal(attempt);
  }

  /** Announces our voice and camera streams, then sends their tracks (added once, then swapped). */
  #applyPersonal(attempt: Attempt): void {
    const peer = attempt.peer;
    if (!peer) return;
    const media = this.#personal;
    const announced = this.send({
      type: 'media',
      voice: media.voice?.stream.id ?? null,
      camera: media.camera?.stream.id ?? null,
    });
    if (!announced) return;
    for (const kind of PERSONAL_KINDS) {
      const next = media[kind] ?? null;
      const sender = attempt.personalSenders.get(kind);
      if (sender) {
        if (sender.track !== (next?.track ?? null)) {
          sender.replaceTrack(next?.track ?? null).catch(() => this.#fail('media'));
        }
        continue;
      }
      if (!next) continue;
      try {
        peer.addTrack(next.track, next.stream);
      } catch {
        this.#fail('media');
        return;
      }
      const added = peer._pc.getSenders().find((s) => s.track === next.track);
      if (added) {
        attempt.personalSenders.set(kind, added);
        void capPersonal(added, kind);
      }
    }
  }

  #onConnect(attempt: Attempt): void {
    attempt.open = true;
    // A sender has its encodings only once negotiated: cap what it sends now, if anything.
    const video = attempt.sent.get('video');
    if (video && attempt.peer) void this.#outgoing?.limitVideo(attempt.peer._pc, video);
    clearTimeout(this.#connectTimer);
    this.#failures = 0;
    this.#lastHeard = now();
    this.#setState('connected', 'connected');
    this.send({ type: 'hello', v: this.#opts.protocolVersion, ...this.#opts.self });
    this.#maybeReady(attempt);
    this.#ping(attempt);
  }

  /** Pings on the schedule; each turn also checks that the other side is still heard. */
  #ping(attempt: Attempt): void {
    if (now() - this.#lastHeard > this.#opts.silenceTimeoutMs) {
      this.#fail('silent');
      return;
    }
    this.#pingId += 1;
    // A failed send tears the attempt down: then nothing is left to schedule.
    this.send({ type: 'ping', id: this.#pingId, t0: now() });
    if (this.#attempt !== attempt) return;
    attempt.pings += 1;
    this.#pingTimer = setTimeout(
      () => this.#ping(attempt),
      nextPingDelay(attempt.pings, this.#opts.pingSchedule),
    );
  }

  #onData(attempt: Attempt, chunk: Uint8Array): void {
    const t = now();
    this.#lastHeard = t;
    if (!this.#bucket.take(t)) {
      this.#dropped += 1;
      return;
    }
    const decoded = decodePeerMessage(chunk);
    if (!decoded.ok) {
      this.#dropped += 1;
      return;
    }
    const message = decoded.message;
    if (message.type === 'hello') {
      // Only the first hello counts: a later one, whatever it claims, must not end the link.
      if (attempt.hello || attempt.outdated) return;
      const outdated = outdatedSide(this.#opts.protocolVersion, message.v);
      if (outdated) {
        this.#outdated = outdated;
        attempt.outdated = true;
        // They need our hello as much as we needed theirs, to tell their person who must reload:
        // close a moment later, not at once (a retry would meet the same page, so none follows).
        const reason = `protocol ${message.v}, we speak ${this.#opts.protocolVersion}`;
        this.#outdatedTimer = setTimeout(() => this.#fail(reason), OUTDATED_CLOSE_MS);
        return;
      }
      this.#outdated = null;
      attempt.hello = message;
      this.#maybeReady(attempt);
      return;
    }
    if (!attempt.hello) {
      this.#dropped += 1;
      return;
    }
    switch (message.type) {
      case 'ping':
        this.send({ type: 'pong', id: message.id, t0: message.t0, t1: now() });
        return;
      case 'pong':
        this.clock.add({ t0: message.t0, t1: message.t1, t2: t });
        return;
      case 'signal':
        this.#onLinkSignal(attempt, message.data, t);
        return;
      case 'media':
        for (const change of attempt.personal.announce(message)) this.listener.personal(change);
        return;
      default:
        this.listener.message(message);
    }
  }

  /**
   * A signal that came on the link, so it belongs to this very connection (a fresh one always
   * goes through the server): no session check, which node-datachannel would fail anyway (it
   * changes the SDP session id on every renegotiation).
   */
  #onLinkSignal(attempt: Attempt, data: SignalData, t: number): void {
    const peer = attempt.peer;
    if (!this.#signals.take(t) || !peer) {
      this.#dropped += 1;
      return;
    }
    if (data.type === 'offer') {
      // The initiator waits for our answer before it offers again, so a second offer meanwhile
      // (or one while we offer) is a misbehaving peer: answering it would fail and end the link.
      if (attempt.answering || peer._pc.signalingState !== 'stable') {
        this.#dropped += 1;
        return;
      }
      attempt.answering = true;
    }
    this.#feed(peer, data);
  }

  #armConnectTimer(): void {
    clearTimeout(this.#connectTimer);
    this.#connectTimer = setTimeout(() => this.#fail(CONNECT_TIMEOUT), this.#opts.connectTimeoutMs);
  }

  /** The current attempt broke: tear it down, then retry unless it met an outdated page. */
  #fail(reason: string): void {
    if (this.#state === 'closed') return;
    // Already failed and waiting: a late timer or event has nothing left to tear down.
    if (!this.#attempt && this.#state !== 'connecting') return;
    const retry = !this.#attempt?.outdated;
    this.#dropAttempt();
    this.#failures += 1;
    this.#setState('failed', reason);
    if (!retry) return;
    if (reinitiates(this.#opts.selfPeerId, this.remotePeerId)) {
      this.#setState('retrying', `retry in ${retryDelay(this.#failures)} ms`);
      this.#retryTimer = setTimeout(() => {
        if (this.#state !== 'retrying') return;
        this.#newAttempt(true);
        this.#armConnectTimer();
        this.#setState('connecting', 'offering again');
      }, retryDelay(this.#failures));
    } else {
      // The other side makes the fresh offer (its own silence timer notices the drop too).
      this.#setState('retrying', 'waiting for a fresh offer');
    }
  }

  /** The one teardown path: every timer, handler and the RTCPeerConnection go. */
  #dropAttempt(): void {
    clearTimeout(this.#connectTimer);
    clearTimeout(this.#outdatedTimer);
    clearTimeout(this.#pingTimer);
    const attempt = this.#attempt;
    this.#attempt = null;
    if (!attempt) return;
    // Their voice and camera went with the connection; a new one announces them again.
    for (const change of attempt.personal.clear()) this.listener.personal(change);
    if (!attempt.peer) return;
    attempt.file?.close();
    attempt.peer.removeAllListeners();
    // simple-peer may still emit an error while closing; nobody needs it any more.
    attempt.peer.on('error', () => {});
    attempt.peer.destroy();
  }

  #setState(state: LinkState, reason: string): void {
    this.#state = state;
    this.listener.state(state, reason);
  }
}
