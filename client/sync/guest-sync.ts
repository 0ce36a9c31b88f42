import type { PeerMessageOf, Source } from '../../shared/peer-messages';
import type { ClockEstimate } from '../../shared/sync/clock-offset';
import {
  type Correction,
  DEFAULT_DRIFT_PARAMS,
  DriftController,
  type DriftParams,
} from '../../shared/sync/drift-controller';
import { targetPosition } from '../../shared/sync/target';
import type { PlayerAdapter } from '../players/player-adapter';
import { type Clock, every, realClock } from '../util/clock';

export type SyncMessage = PeerMessageOf<'sync'>;

/**
 * For players without fine playback rates (YouTube: steps of 0.25), a nudge is impossible, so
 * errors are left alone up to a larger band and seeked away beyond it. Half a second: a YouTube
 * seek rebuffers visibly, so it should only happen for an error people in a call would notice.
 * Chosen, not measured: YouTube cannot be reached from the benchmark machines.
 */
export const SEEK_ONLY_DRIFT_PARAMS: DriftParams = {
  ...DEFAULT_DRIFT_PARAMS,
  deadBand: 0.5,
  settleBand: 0.5,
  gain: 0,
  maxNudge: 0,
  seekThreshold: 0.5,
  landingSeekThreshold: 0.5,
  // YouTube reports a paused position only to about a tenth of a second.
  pausedTolerance: 0.1,
  seekCooldown: 1000,
};

/** A host position change bigger than this between two syncs is a seek, not timing noise (s). */
const HOST_JUMP_S = 0.1;
/** Within this (s) a playing guest counts as aligned: below what people notice as lip-sync. */
const ALIGNED_S = 0.04;

/**
 * idle: the host shows nothing to correct (nothing, or its own stream); loading: the host's
 * source has no player here yet; blocked: the browser wants a click before it plays.
 */
export type GuestSyncState =
  | 'idle'
  | 'loading'
  | 'aligned'
  | 'correcting'
  | 'buffering'
  | 'blocked'
  | 'error';

export interface GuestSyncStatus {
  state: GuestSyncState;
  /** our position minus the host's, ms, at the last check; null when not comparable */
  errorMs: number | null;
  /** for people, with 'blocked' and 'error' */
  message: string | null;
}

export interface GuestSyncListener {
  status?(status: GuestSyncStatus): void;
  /** Tell the host: our player stalled (true) or recovered (false). */
  buffering?(buffering: boolean): void;
}

export interface GuestSyncOptions {
  /** the host clock estimate, e.g. the PeerLink's ClockOffsetEstimator to the host */
  hostClock: { estimate(): ClockEstimate | null };
  clock?: Clock;
  tickMs?: number;
  /** a stall shorter than this (a seek's brief wait) is not reported to the host, ms */
  stallReportMs?: number;
  /**
   * a seek waits for data by nature; one still waiting after this long is reported as a stall
   * (shorter, and a guest whose seeks are merely slow would hold up a waiting host on every
   * seek), ms
   */
  seekStallReportMs?: number;
  listener?: GuestSyncListener;
}

/** Whether two sources are the same video, so a player for one can show the other. */
export function sameSource(a: Source, b: Source): boolean {
  switch (a.kind) {
    case 'none':
      return b.kind === 'none';
    case 'stream':
      return b.kind === 'stream' && a.name === b.name;
    case 'url':
      return b.kind === 'url' && a.url === b.url;
    case 'local':
      return b.kind === 'local' && a.sha256 === b.sha256 && a.size === b.size;
    case 'file':
      return b.kind === 'file' && a.id === b.id;
  }
}

/**
 * A guest's playback engine: keeps a player on the host's timeline from the host's `sync`
 * messages and the clock offset, through the DriftController, four times a second. Host
 * discontinuities (first sync, seek, pause, resume, new source) and a recovered stall are
 * jumps; everything else is drift.
 */
export class GuestSync {
  #status: GuestSyncStatus = { state: 'idle', errorMs: null, message: null };
  #sync: SyncMessage | null = null;
  #player: PlayerAdapter | null = null;
  #source: Source | null = null;
  #controller = new DriftController();
  #jumpPending = true;
  /** The host is back on a new connection, whose seq numbers start again. */
  #newConnection = false;
  #seeking = false;
  /** A start whose frame is held until the host reaches it (see Correction 'start'). */
  #hold: { position: number; landed: boolean; cancel: () => void } | null = null;
  #starting = false;
  #stalledSince: number | null = null;
  #stallReported = false;
  #blocked: string | null = null;
  #playerError: string | null = null;
  #detach: Array<() => void> = [];
  readonly #clock: Clock;
  readonly #stallReportMs: number;
  readonly #seekStallReportMs: number;
  readonly #stop: () => void;

  constructor(private readonly options: GuestSyncOptions) {
    this.#clock = options.clock ?? realClock;
    this.#stallReportMs = options.stallReportMs ?? 500;
    this.#seekStallReportMs = options.seekStallReportMs ?? 2000;
    this.#stop = every(this.#clock, options.tickMs ?? 250, () => this.tick());
  }

  get status(): GuestSyncStatus {
    return this.#status;
  }

  /** The host's latest sync, if any. */
  get sync(): SyncMessage | null {
    return this.#sync;
  }

  /** How far ahead of the host this player holds a frame to start from, as learned so far, ms. */
  get leadMs(): number {
    return this.#controller.lead * 1000;
  }

  /** The source the host shows that no player here is showing yet (load it, then attach). */
  get missingSource(): Source | null {
    const source = this.#sync?.source;
    if (!source || source.kind === 'none' || source.kind === 'stream') return null;
    return this.#source && sameSource(this.#source, source) ? null : source;
  }

  /**
   * A sync from the host peer; false when it is older (by seq) than the one we follow and so
   * dropped. Call reset() for a new host, hostReconnected() for one back on a new connection.
   */
  receive(sync: SyncMessage): boolean {
    const previous = this.#sync;
    if (previous && sync.seq <= previous.seq && !this.#newConnection) return false;
    this.#newConnection = false;
    this.#sync = sync;
    if (!previous || isJump(previous, sync)) {
      this.#cancelHold();
      this.#jumpPending = true;
      this.tick();
    } else if (this.#hold?.landed) {
      // The host refined its line (a heartbeat): play when it reaches the held frame by the new one.
      this.#scheduleStart();
    }
    return true;
  }

  /**
   * The host came back after being away: its seq numbers start again, but the last state stays
   * the one to follow until it speaks, and to compare with, so an unchanged timeline is no jump.
   */
  hostReconnected(): void {
    this.#newConnection = true;
  }

  /** The host changed (or went away): its seq numbers start again. */
  reset(): void {
    this.#sync = null;
    this.#jumpPending = true;
    this.#setStatus('idle', null);
  }

  /**
   * The player that now shows `source` (loaded and ready), or null. Its seek delay is learned
   * afresh, and a player without fine rates gets seek-only correction.
   */
  attach(player: PlayerAdapter | null, source: Source | null): void {
    for (const off of this.#detach.splice(0)) off();
    this.#player = player;
    this.#source = player ? source : null;
    this.#controller = new DriftController(
      player?.rates ? SEEK_ONLY_DRIFT_PARAMS : DEFAULT_DRIFT_PARAMS,
    );
    this.#jumpPending = true;
    this.#seeking = false;
    this.#cancelHold();
    this.#blocked = null;
    this.#playerError = null;
    this.#stalledSince = null;
    if (player) {
      this.#detach.push(
        player.on('error', (e) => {
          this.#playerError = e.message;
          this.tick();
        }),
        player.on('play', () => {
          this.#blocked = null;
        }),
      );
    }
    this.tick();
  }

  /** The people behind the page clicked play after a refusal: try again now. */
  retryPlay(): void {
    this.#blocked = null;
    this.#jumpPending = true;
    this.tick();
  }

  destroy(): void {
    this.#stop();
    this.#cancelHold();
    for (const off of this.#detach.splice(0)) off();
    this.#player = null;
  }

  /** One check: runs on its own every tickMs, and at once on news. */
  tick(): void {
    const sync = this.#sync;
    const player = this.#player;
    if (!sync || sync.source.kind === 'none' || sync.source.kind === 'stream') {
      this.#setStatus('idle', null);
      return;
    }
    if (!player || !this.#source || !sameSource(this.#source, sync.source)) {
      this.#setStatus('loading', null);
      return;
    }
    if (this.#playerError) {
      this.#setStatus('error', null, this.#playerError);
      return;
    }
    const now = this.#clock.now();
    // Checked during a seek too: one that lands where no data has come is a stall as well.
    if (this.#stalled(player, now)) {
      this.#setStatus('buffering', null);
      return;
    }
    if (this.#seeking) return;
    // Playing but waiting for data: nothing a correction could do until it comes (a seek would
    // wait for it too); a stall long enough to report is a jump once it ends.
    if (player.buffering && !player.paused && !sync.paused) return;

    const target = this.#target(sync, player);
    // Refused once, play() is retried only on a click (retryPlay) or when the host pauses anyway.
    if (sync.paused) this.#blocked = null;
    if (this.#blocked) {
      this.#setStatus('blocked', null, this.#blocked);
      return;
    }
    // Paused first, so the position read is the frame the picture rests on.
    if (sync.paused) this.#applyPaused(player, true);

    const actual = player.currentTime;
    const input = { actual, target, hostRate: sync.rate, paused: sync.paused, now };
    const correction: Correction = this.#jumpPending
      ? this.#controller.jump(input, { paused: player.paused, buffering: player.buffering })
      : this.#controller.update(input);
    this.#jumpPending = false;
    if (player.playbackRate !== correction.rate) player.playbackRate = correction.rate;
    if (correction.kind === 'seek') this.#seek(player, correction.position, now);
    // A start plays when its held frame is due; playing now would only be paused again.
    if (correction.kind === 'start') this.#start(player, correction.position, now);
    else if (!sync.paused) this.#applyPaused(player, false);

    const error = actual - target;
    const aligned =
      (correction.kind === 'none' || correction.kind === 'nudge') &&
      Math.abs(error) <=
        (sync.paused
          ? this.#controller.params.pausedTolerance
          : Math.max(ALIGNED_S, this.#controller.params.deadBand));
    this.#setStatus(aligned ? 'aligned' : 'correcting', error * 1000);
  }

  /** Tracks a stall, tells the listener once it outlasts a seek's wait, and once it ends. */
  #stalled(player: PlayerAdapter, now: number): boolean {
    if (player.buffering) {
      this.#stalledSince ??= now;
      const reportAfter = this.#seeking ? this.#seekStallReportMs : this.#stallReportMs;
      if (!this.#stallReported && now - this.#stalledSince >= reportAfter) {
        this.#stallReported = true;
        this.options.listener?.buffering?.(true);
      }
      return this.#stallReported;
    }
    this.#stalledSince = null;
    if (this.#stallReported) {
      this.#stallReported = false;
      this.options.listener?.buffering?.(false);
      // Back from a stall, the guest is behind by the stall's length: align at once.
      this.#jumpPending = true;
    }
    return false;
  }

  #applyPaused(player: PlayerAdapter, paused: boolean): void {
    if (paused) {
      if (!player.paused) player.pause();
      return;
    }
    if (!player.paused || this.#starting) return;
    this.#starting = true;
    player.play().then(
      () => {
        this.#starting = false;
      },
      (e: unknown) => {
        this.#starting = false;
        this.#blocked = e instanceof Error ? e.message : 'Press play to join the others.';
        this.#setStatus('blocked', null, this.#blocked);
      },
    );
  }

  /** Where the host is now by our clock and its last sync, within this player's duration (s). */
  #target(sync: SyncMessage, player: PlayerAdapter): number {
    const hostNow = this.#clock.now() + (this.options.hostClock.estimate()?.offset ?? 0);
    const target = targetPosition(sync, hostNow);
    const duration = player.duration;
    return duration === null ? target : Math.min(target, duration);
  }

  #seek(player: PlayerAdapter, position: number, startedAt: number): void {
    this.#seeking = true;
    const done = (): void => {
      if (this.#player !== player) return;
      this.#seeking = false;
      this.#controller.seekLanded(this.#clock.now() - startedAt);
      // The host jumped while we were seeking: follow it now, not at the next check.
      if (this.#jumpPending) this.tick();
    };
    player.seek(position).then(done, done);
  }

  /**
   * Pauses on the frame at `position`, ahead of the host, and plays as the host reaches it. A
   * seek while playing lands wherever the player happens to be ready (tens to hundreds of ms
   * off, then nudged for seconds); a held frame starts on time whatever the seek took.
   */
  #start(player: PlayerAdapter, position: number, startedAt: number): void {
    this.#seeking = true;
    player.pause();
    const hold = { position, landed: false, cancel: (): void => {} };
    this.#hold = hold;
    const landed = (): void => {
      if (this.#player !== player) return;
      hold.landed = true;
      this.#controller.seekLanded(this.#clock.now() - startedAt);
      if (this.#hold === hold) {
        this.#scheduleStart();
        return;
      }
      // Dropped while seeking: the check that waited for the seek runs now.
      this.#seeking = false;
      this.tick();
    };
    player.seek(position).then(landed, landed);
  }

  /** Times play() for the held frame by the host's latest line; a host already past it means again. */
  #scheduleStart(): void {
    const hold = this.#hold;
    const sync = this.#sync;
    const player = this.#player;
    if (!hold || !sync || !player) return;
    hold.cancel();
    const wait = this.#controller.startIn(hold.position, this.#target(sync, player), sync.rate);
    if (wait === null) {
      // Too late: the host has passed the held frame. Playing from it would leave us behind.
      this.#cancelHold();
      const input = {
        actual: player.currentTime,
        target: this.#target(sync, player),
        hostRate: sync.rate,
        paused: false,
        now: this.#clock.now(),
      };
      this.#start(player, this.#controller.restart(input).position, input.now);
      return;
    }
    hold.cancel = this.#clock.after(wait, () => {
      if (this.#hold !== hold) return;
      this.#hold = null;
      this.#seeking = false;
      this.#controller.started(this.#clock.now());
      this.#applyPaused(player, false);
    });
  }

  /** Drops a start (the host jumped, the player changed); the next check after its seek decides anew. */
  #cancelHold(): void {
    const hold = this.#hold;
    if (!hold) return;
    hold.cancel();
    this.#hold = null;
    if (hold.landed) this.#seeking = false;
  }

  #setStatus(state: GuestSyncState, errorMs: number | null, message: string | null = null): void {
    const s = this.#status;
    if (s.state === state && s.errorMs === errorMs && s.message === message) return;
    this.#status = { state, errorMs, message };
    this.options.listener?.status?.(this.#status);
  }
}

/** Whether the host jumped between two syncs rather than played on. */
function isJump(previous: SyncMessage, next: SyncMessage): boolean {
  if (!sameSource(previous.source, next.source) || previous.paused !== next.paused) return true;
  return Math.abs(next.position - targetPosition(previous, next.at)) > HOST_JUMP_S;
}
