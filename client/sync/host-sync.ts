import {
  BUFFERING_PEERS_MAX,
  clampRate,
  type PeerMessageOf,
  type Source,
} from '../../shared/peer-messages';
import { PLAYER_EVENTS, type PlayerAdapter, type PlayerEventName } from '../players/player-adapter';
import { type Clock, every, realClock } from '../util/clock';
import { TokenBucket } from '../util/token-bucket';
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
 * Chromium's picture does not move when its events say so. After `seeked`, or `playing` after a
 * stall, it stands ~100 ms (its currentTime leaps ~20 ms and stands too), and a line taken then
 * runs ~80 ms ahead of the host until the next heartbeat; after a resume its currentTime leaps
 * some 70 ms ahead as audio starts and stands until the picture catches up (and the first play
 * of a video may stand for 200 ms). So after each of these HostSync watches the position until it
 * advances at about the rate for MOTION_STEPS polls in a row (or MOTION_MAX_MS passed), then
 * sends the line it is really on. Meanwhile guests are told the host waits, except after a
 * resume: they start with it on the line from the paused position (what a resume usually is),
 * within RESUME_GLITCH_S of which the leap is not reported.
 */
const MOTION_POLL_MS = 20;
const MOTION_STEPS = 2;
const MOTION_MAX_MS = 1000;
const RESUME_GLITCH_S = 0.15;
/** Player events after which guests must hear the new state at once. */
const CHANGES = PLAYER_EVENTS.filter((type) => type !== 'error');

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
  /** The source's picture has been seen moving (so a play is a resume, not its first start). */
  #moved = false;
  /** Where and when playback resumed from a pause, until the picture is seen moving. */
  #resumed: { position: number; at: number } | null = null;
  /** Watching for the picture to move (see MOTION_POLL_MS); `waiting`: tell guests the host waits. */
  #motion: { stop: () => void; waiting: boolean } | null = null;
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

  /** The state most recently produced (sent to guests unless the page held it back). */
  get last(): SyncMessage | null {
    return this.#last;
  }

  /** Playback is paused because of buffering guests. */
  get holding(): boolean {
    return this.#holding;
  }

  /** The host's player and what it shows ({kind:'none'} and null when nothing). */
  setSource(player: PlayerAdapter | null, source: Source): void {
    for (const off of this.#detach.splice(0)) off();
    this.#endMotionWatch();
    this.#moved = false;
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
    const rate = player ? clampRate(finite(player.playbackRate, 1)) : 1;
    const current = player ? Math.max(0, finite(player.currentTime)) : 0;
    const line = this.#resumeLine(current, rate, at);
    // A host waiting for data, or for its picture to move, is not moving: guests wait with it.
    const paused = player
      ? player.paused || player.buffering || this.#motion?.waiting === true || line === false
      : true;
    const message: SyncMessage = {
      type: 'sync',
      seq: this.#seq,
      source: this.#source,
      paused,
      position: typeof line === 'number' && !paused ? line : current,
      rate,
      at,
      guestControl: this.guestControl,
      buffering: this.bufferingPeers.slice(0, BUFFERING_PEERS_MAX),
    };
    this.#last = message;
    return message;
  }

  /**
   * While a resume settles, the line from the paused position (null when not resuming), or false
   * when the picture is off it by more than a leap: it has not started yet (a first play may
   * stand 200 ms), so the host waits until it is seen moving.
   */
  #resumeLine(current: number, rate: number, at: number): number | false | null {
    const resumed = this.#resumed;
    if (!resumed) return null;
    const line = resumed.position + ((at - resumed.at) / 1000) * rate;
    return Math.abs(current - line) <= RESUME_GLITCH_S ? line : false;
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
    this.#endMotionWatch();
    for (const off of this.#detach.splice(0)) off();
    this.#player = null;
  }

  #onPlayerChange(type: PlayerEventName): void {
    // The host pressed play while we held for buffering guests: they catch up instead.
    if (type === 'play' && this.#holding && this.#buffering.size > 0) this.#release(false);
    // A resume of a source that has played before; its first play may stand 200 ms and more.
    const resume = this.#moved && this.#last?.paused && sameSource(this.#last.source, this.#source);
    if (type === 'play' && resume && this.#last)
      this.#resumed = { position: this.#last.position, at: this.#clock.now() };
    else if (type !== 'playing' && type !== 'ratechange') this.#resumed = null;
    const player = this.#player;
    if (type === 'pause' || type === 'waiting' || !player || player.paused) this.#endMotionWatch();
    else if (type === 'play') this.#watchMotion(player, !this.#resumed);
    else if (type === 'seeked') {
      this.#endMotionWatch();
      this.#watchMotion(player, true);
    } else if (type === 'playing' && this.#last?.paused && !this.#resumed)
      this.#watchMotion(player, true);
    this.#broadcast();
  }

  /** Sends the line the host is really on once its position advances (see MOTION_POLL_MS). */
  #watchMotion(player: PlayerAdapter, waiting: boolean): void {
    if (this.#motion) return;
    const since = this.#clock.now();
    let last = { at: since, position: player.currentTime };
    let steps = 0;
    const stop = every(this.#clock, MOTION_POLL_MS, () => {
      const now = { at: this.#clock.now(), position: player.currentTime };
      const expected = ((now.at - last.at) / 1000) * player.playbackRate;
      const moved = now.position - last.position;
      steps = moved > expected / 2 && moved < expected * 1.5 ? steps + 1 : 0;
      last = now;
      if (steps < MOTION_STEPS && now.at - since < MOTION_MAX_MS) return;
      this.#moved = true;
      this.#endMotionWatch();
      this.#broadcast();
    });
    this.#motion = { stop, waiting };
  }

  #endMotionWatch(): void {
    this.#motion?.stop();
    this.#motion = null;
    this.#resumed = null;
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
