import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PeerMessageOf, Source } from '../../shared/peer-messages';
import type { FileSource } from '../../shared/swarm/messages';
import type { ClockEstimate } from '../../shared/sync/clock-offset';
import { targetPosition } from '../../shared/sync/target';
import type { MeshController } from '../mesh/mesh-controller';
import type { LocalSource } from '../players/file-fingerprint';
import { loadFingerprint } from '../players/load-fingerprint';
import { PlayerError } from '../players/player-adapter';
import { classifyUrl } from '../players/source-url';
import { type UrlPlayer, urlPlayer } from '../players/url-player';
import type { GuestShare } from '../swarm/guest-share';
import { GuestSync, type SyncMessage, sameSource } from '../sync/guest-sync';
import { now } from '../util/clock';

/**
 * A guest's side of playback: the host's media stream, or the host's video URL or our own copy
 * of the host's file in a player of our own that GuestSync keeps on the host's timeline; the
 * host's latest `sync` (for name, duration, position, paused) and control requests back to the
 * host.
 */
export class GuestPlayback implements ReactiveController {
  /** The host's media as it arrives: one remote stream per connection to the host. */
  stream: MediaStream | null = null;
  /** Why the host's URL or the file we opened cannot play here, for people. */
  error = '';
  /** The host plays a file everyone opens from their own disk, and ours is not open yet. */
  copyWanted: LocalSource | null = null;
  /** Our copy is being opened and checked against the host's. */
  checkingCopy = false;
  /** Our player for the host's source: its URL, or our copy of its file once it matched. */
  #own: (UrlPlayer & { source: Source }) | null = null;
  /** A copy being checked, dropped if the host moves on meanwhile. */
  #checking: UrlPlayer | null = null;
  /** The host's file shared over the mesh, while our player shows it. */
  #share: GuestShare | null = null;
  #follower: GuestSync | null = null;
  #unsubscribe: (() => void) | null = null;
  /** The last clock estimate to the host, kept for while the host is away. */
  #hostClock: ClockEstimate | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly mesh: MeshController,
  ) {
    host.addController(this);
  }

  /** The host's latest sync, as GuestSync follows it. */
  get sync(): SyncMessage | null {
    return this.#follower?.sync ?? null;
  }

  /** The element showing the host's URL or our copy of its file. */
  get media(): HTMLElement | null {
    return this.#own?.element ?? null;
  }

  /** The source's length as our player knows it (a URL's sync does not carry it). */
  get duration(): number | null {
    return this.#own?.player.duration ?? null;
  }

  /** How much of the host's shared file we hold, in chunks; null when none is shared. */
  get received(): { held: number; chunks: number } | null {
    const guest = this.#share?.guest;
    return guest ? { held: guest.store.held.count, chunks: guest.chunks } : null;
  }

  /** The browser refused to start the URL player: why, until someone presses play. */
  get blocked(): string | null {
    const status = this.#follower?.status;
    return status?.state === 'blocked' ? status.message : null;
  }

  hostConnected(): void {
    // Registered on entry, so a file the host shares later waits for no install (a small chunk
    // of its own; where it cannot be, the shared file says so when it comes).
    import('../swarm/file-worker-client').then((m) => m.registerFileWorker()).catch(() => {});
    this.#follower = new GuestSync({
      hostClock: {
        estimate: () => {
          this.#hostClock = this.mesh.hostClock() ?? this.#hostClock;
          return this.#hostClock;
        },
      },
      listener: {
        status: () => this.host.requestUpdate(),
        buffering: (buffering) => {
          const hostPeerId = this.mesh.hostPeerId;
          if (hostPeerId) this.mesh.send(hostPeerId, { type: 'buffering', buffering });
        },
      },
    });
    this.#unsubscribe = this.mesh.subscribe({
      remoteTrack: (_track, stream) => {
        // Tracks arrive one by one (simple-peer's 'stream' fires for the first, often audio),
        // all in this one remote stream: the <video> picks up later tracks by itself, and
        // re-assigning srcObject would only restart it.
        if (this.stream === stream) return;
        this.stream = stream;
        this.host.requestUpdate();
      },
      message: (_from, message) => {
        if (message.type !== 'sync' || !this.#follower?.receive(message)) return;
        this.#follow(message);
        this.host.requestUpdate();
      },
      hostChanged: (hostPeerId, previous) => {
        // Our own player (a URL, our copy) plays on through the host's absence, and carries
        // on from the same timeline when the host is back, so nobody's picture jumps.
        if (this.#own && (hostPeerId === null || previous === null)) {
          if (hostPeerId !== null) this.#follower?.hostReconnected();
          return;
        }
        this.stream = null;
        this.#follower?.reset();
        this.#closeOwn();
        this.host.requestUpdate();
      },
    });
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
    this.#follower?.destroy();
    this.#follower = null;
    this.#closeOwn();
  }

  /** Where the host's playback is now, by the host's clock, in seconds. */
  position(): number | null {
    if (!this.sync || this.sync.source.kind === 'none') return null;
    return targetPosition(this.sync, now() + this.mesh.hostClockOffset());
  }

  request(action: PeerMessageOf<'control'>['action'], position?: number): void {
    const hostPeerId = this.mesh.hostPeerId;
    if (!hostPeerId || !this.sync?.guestControl) return;
    this.mesh.send(hostPeerId, {
      type: 'control',
      action,
      ...(position === undefined ? {} : { position }),
    });
  }

  /** Someone pressed play after the browser refused to start on its own. */
  retryPlay(): void {
    this.#follower?.retryPlay();
  }

  /**
   * Our copy of the host's file, chosen by the person here: played only when its size, edge hash
   * and duration match the host's; otherwise they read what differs and nothing plays.
   */
  async openCopy(file: File): Promise<void> {
    const wanted = this.copyWanted;
    if (!wanted) return;
    this.#checking?.player.destroy();
    const checking = urlPlayer('file', false);
    this.#checking = checking;
    this.checkingCopy = true;
    this.error = '';
    this.host.requestUpdate();
    let problem: string | null;
    try {
      const [{ compareFingerprint, fingerprintFile }] = await Promise.all([
        loadFingerprint(),
        checking.player.load({ kind: 'file', file }),
      ]);
      const match = compareFingerprint(
        await fingerprintFile(file, checking.player.duration),
        wanted,
      );
      problem = match.ok ? null : match.message;
    } catch (err) {
      problem = err instanceof PlayerError ? err.message : 'This file cannot be played here.';
    }
    if (this.#checking !== checking) return;
    this.#checking = null;
    this.checkingCopy = false;
    if (problem !== null || this.copyWanted !== wanted) {
      checking.player.destroy();
      this.error = problem ?? '';
    } else {
      this.copyWanted = null;
      this.#own = { ...checking, source: wanted };
      this.#follower?.attach(checking.player, wanted);
    }
    this.host.requestUpdate();
  }

  /**
   * Opens the host's URL in a player here when the host shows a new one, or asks for our copy of
   * the host's file; drops what we showed when the host moves on.
   */
  #follow(sync: SyncMessage): void {
    const source = sync.source;
    if (this.#own && sameSource(this.#own.source, source)) return;
    if (source.kind === 'local') {
      if (this.copyWanted && sameSource(this.copyWanted, source)) return;
      this.#closeOwn();
      this.copyWanted = source;
      return;
    }
    this.#closeOwn();
    if (source.kind === 'file') {
      this.#openShared(source);
      return;
    }
    if (source.kind !== 'url') return;
    const kind = classifyUrl(source.url);
    if (kind.kind === 'invalid') {
      this.error = kind.message;
      return;
    }
    const opened = { ...urlPlayer(kind.kind, false), source };
    this.#own = opened;
    opened.player.load(source).then(
      () => {
        if (this.#own === opened) this.#follower?.attach(opened.player, source);
      },
      (err: unknown) => {
        if (this.#own !== opened) return;
        this.error =
          err instanceof PlayerError ? err.message : 'The host’s video cannot be played here.';
        this.host.requestUpdate();
      },
    );
  }

  /**
   * The host's file itself: we join its swarm (fetched on demand), and a <video> of ours plays
   * it from the file worker on the host's timeline, as a URL would. A file this browser cannot
   * play is said so here and reported to the host.
   */
  #openShared(source: FileSource): void {
    const opened = { ...urlPlayer('file', false), source };
    this.#own = opened;
    const current = () => this.#own === opened;
    let share: GuestShare | null = null;
    let reason: 'no_picture' | 'error' = 'error';
    import('../swarm/guest-share')
      .then((m) => m.openGuestShare(this.mesh, source, () => this.host.requestUpdate()))
      .then(async (opening) => {
        share = opening;
        if (!current()) return;
        this.#share = opening;
        await opened.player.load({ kind: 'shared', url: opening.url });
        // An HEVC picture, say, loads without error and shows nothing.
        const video = opened.element as HTMLVideoElement;
        if (video.videoWidth === 0 && source.type.startsWith('video/')) {
          reason = 'no_picture';
          throw new PlayerError('unsupported', 'This browser cannot show the host’s video.');
        }
        if (!current()) return;
        this.#follower?.attach(opened.player, source);
        if (await opening.playsWithoutSound(video)) {
          if (!current()) return;
          // The picture plays on: only the sound is missing, so nothing is closed.
          opening.reportUnplayable('no_sound');
          this.error = 'This browser plays the host’s video without its sound.';
          this.host.requestUpdate();
        }
      })
      .catch((err: unknown) => {
        if (!current()) return;
        share?.reportUnplayable(reason);
        this.error =
          err instanceof PlayerError ? err.message : 'The host’s file cannot be played here.';
        this.host.requestUpdate();
      })
      .finally(() => {
        if (!current()) void share?.close();
      });
  }

  #closeOwn(): void {
    // The player goes before the shared file it reads: closed first, the file would fail the
    // player's pending requests (a 504 in its console) before the player let them go.
    const share = this.#share;
    this.#share = null;
    this.#checking?.player.destroy();
    this.#checking = null;
    this.checkingCopy = false;
    this.copyWanted = null;
    if (this.#own || this.error) {
      this.#follower?.attach(null, null);
      this.#own?.player.destroy();
      this.#own = null;
      this.error = '';
    }
    void share?.close();
  }
}
