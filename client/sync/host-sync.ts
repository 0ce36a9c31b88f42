import { BUFFERING_PEERS_MAX, type PeerMessageOf, type Source } from '../../shared/peer-messages';
import type { PlayerAdapter, PlayerEventName } from '../players/player-adapter';
import { TokenBucket } from '../util/token-bucket';
import { type Clock, every, realClock } from './clock';
import { type SyncMessage, sameSource } from './guest-sync';

/**
 * wait: the host pauses while any guest buffers and resumes when all are ready (up to
 * maxWaitMs); continue: playback goes on and buffering guests catch up by themselves.
 */
export type BufferingPolicy = 'wait' | 'continue';

export interface HostSyncOptions {
  /** Sends a sync to every guest (MeshController.broadcast). */
  broadcast(sync: SyncMessage): void;
  clock?: Clock;
  heartbeatMs?: number;
  /** Under 'wait', playback resumes after this long even if someone still buffers, ms. */
  maxWaitMs?: number;
  /** Something the host's UI shows changed (buffering guests, held for them). */
  changed?(): void;
}

/** A guest may steer in short bursts and then about once a second: a person's pace. */
export const CONTROL_BURST = 4;
export const CONTROL_PER_SECOND = 1;
/**
 * For this long after a resume, a position within RESUME_GLITCH_S of the line from the paused
 * position is reported as that line: Chromium's currentTime leaps some 70 ms ahead as its audio
 * starts and then stands still until the picture catches up, and a guest that followed the leap
 * would seek ahead and spend seconds nudging back.
 */
const RESUME_SETTLE_MS = 500;
const RESUME_GLITCH_S = 0.15;
const RATE_MIN = 0.0625;
const RATE_MAX = 16;
/** Player events after which guests must hear the new state at once. */
const CHANGES: PlayerEventName[] = [
  'ready',
  'play',
  'pause',
  'seeked',
  'ratechange',
  'waiting',
  'playing',
  'ended',
];

/**
 * The host's side of playback sync for every source kind: `sync` from its own player's state
 * on every change and as a heartbeat, guests' control requests applied when allowed, and the
 * buffering policy.
 */
export class HostSync {
  guestControl = false;
  #policy: BufferingPolicy = 'continue';
  #player: PlayerAdapter | null = null;
  #source: Source = { kind: 'none' };
  #seq = 0;
  #buffering = new Set<string>();
  #controlBuckets = new Map<string, TokenBucket>();
  #last: SyncMessage | null = null;
  /** Where and when playback resumed from a pause, while its start-up settles. */
  #resumed: { position: number; at: number } | null = null;
  /** We paused for buffering guests and will resume when they are ready. */
  #holding = false;
  #cancelHold = (): void => {};
  #detach: Array<() => void> = [];
  readonly #clock: Clock;
  readonly #maxWaitMs: number;
  readonly #stop: () => void;

  constructor(private readonly options: HostSyncOptions) {
    this.#clock = options.clock ?? realClock;
    this.#maxWaitMs = options.maxWaitMs ?? 15_000;
    this.#stop = every(this.#clock, options.heartbeatMs ?? 1000, () => this.#broadcast());
  }

  get policy(): BufferingPolicy {
    return this.#policy;
  }

  /** Guests (peer IDs) whose players are buffering now, for the people list. */
  get bufferingPeers(): readonly string[] {
    return [...this.#buffering];
  }

  /** Playback is paused because of buffering guests. */
  get holding(): boolean {
    return this.#holding;
  }

  /** The host's player and what it shows ({kind:'none'} and null when nothing). */
  setSource(player: PlayerAdapter | null, source: Source): void {
    for (const off of this.#detach.splice(0)) off();
    this.#player = player;
    this.#source = player ? source : { kind: 'none' };
    this.#release(false);
    if (player) {
      for (const type of CHANGES)
        this.#detach.push(player.on(type, () => this.#onPlayerChange(type)));
    }
    this.#broadcast();
  }

  setGuestControl(allowed: boolean): void {
    this.guestControl = allowed;
    this.#broadcast();
  }

  setPolicy(policy: BufferingPolicy): void {
    this.#policy = policy;
    if (policy === 'continue') this.#release(true);
    else this.#maybeHold();
    this.options.changed?.();
  }

  /** The state now, with a fresh seq: for a guest whose link just became ready, too. */
  message(): SyncMessage {
    const player = this.#player;
    this.#seq += 1;
    const at = this.#clock.now();
    // A host waiting for data is not moving: guests wait with it instead of running ahead.
    const paused = player ? player.paused || player.buffering : true;
    const rate = player
      ? Math.min(RATE_MAX, Math.max(RATE_MIN, finite(player.playbackRate, 1)))
      : 1;
    const current = player ? Math.max(0, finite(player.currentTime)) : 0;
    const message: SyncMessage = {
      type: 'sync',
      seq: this.#seq,
      source: this.#source,
      paused,
      position: paused ? current : this.#settledPosition(current, rate, at),
      rate,
      at,
      guestControl: this.guestControl,
      buffering: this.bufferingPeers.slice(0, BUFFERING_PEERS_MAX),
    };
    this.#last = message;
    return message;
  }

  /** The player's position, or shortly after a resume the line it is really on (see RESUME_SETTLE_MS). */
  #settledPosition(current: number, rate: number, at: number): number {
    const resumed = this.#resumed;
    if (!resumed || at - resumed.at > RESUME_SETTLE_MS) {
      this.#resumed = null;
      return current;
    }
    const line = resumed.position + ((at - resumed.at) / 1000) * rate;
    return Math.abs(current - line) <= RESUME_GLITCH_S ? line : current;
  }

  /**
   * A guest's control request (already known to come from a guest); false when not applied.
   * Each guest gets a human pace of requests, so one member cannot take over playback by
   * flooding seeks once the host allows guests to steer.
   */
  control(peerId: string, request: PeerMessageOf<'control'>): boolean {
    const player = this.#player;
    if (!this.guestControl || !player) return false;
    let bucket = this.#controlBuckets.get(peerId);
    if (!bucket) {
      bucket = new TokenBucket(CONTROL_BURST, CONTROL_PER_SECOND, this.#clock.now());
      this.#controlBuckets.set(peerId, bucket);
    }
    if (!bucket.take(this.#clock.now())) return false;
    if (request.action === 'play') {
      this.#release(false);
      player.play().catch(() => {});
    } else if (request.action === 'pause') {
      this.#release(false);
      player.pause();
    } else {
      if (request.position === undefined) return false;
      const end = player.duration;
      void player.seek(end === null ? request.position : Math.min(request.position, end));
    }
    return true;
  }

  /** A guest said it buffers (or no longer does). */
  buffering(peerId: string, buffering: boolean): void {
    if (this.#buffering.has(peerId) === buffering) return;
    if (buffering) this.#buffering.add(peerId);
    else this.#buffering.delete(peerId);
    this.#maybeHold();
    this.options.changed?.();
    // Everyone's people list shows who buffers: tell them now, not at the next heartbeat.
    this.#broadcast();
  }

  /** A guest left: it no longer holds anyone up. */
  peerLeft(peerId: string): void {
    this.#controlBuckets.delete(peerId);
    this.buffering(peerId, false);
  }

  destroy(): void {
    this.#stop();
    this.#cancelHold();
    for (const off of this.#detach.splice(0)) off();
    this.#player = null;
  }

  #onPlayerChange(type: PlayerEventName): void {
    // The host pressed play while we held for buffering guests: they catch up instead.
    if (type === 'play' && this.#holding && this.#buffering.size > 0) this.#release(false);
    if (type === 'play' && this.#last?.paused && sameSource(this.#last.source, this.#source))
      this.#resumed = { position: this.#last.position, at: this.#clock.now() };
    else if (type !== 'playing' && type !== 'ratechange') this.#resumed = null;
    this.#broadcast();
  }

  /** Pauses for buffering guests, or resumes once none is left, under the 'wait' policy. */
  #maybeHold(): void {
    const player = this.#player;
    if (!player) return;
    if (this.#buffering.size === 0) {
      this.#release(true);
      return;
    }
    if (this.#policy !== 'wait' || this.#holding || player.paused) return;
    this.#holding = true;
    this.#cancelHold = this.#clock.after(this.#maxWaitMs, () => this.#release(true));
    player.pause();
  }

  /** Stops holding; `resume` plays again if we were the ones who paused. */
  #release(resume: boolean): void {
    if (!this.#holding) return;
    this.#holding = false;
    this.#cancelHold();
    if (resume) this.#player?.play().catch(() => {});
    this.options.changed?.();
  }

  #broadcast(): void {
    this.options.broadcast(this.message());
  }
}

function finite(n: number, fallback = 0): number {
  return Number.isFinite(n) ? n : fallback;
}
