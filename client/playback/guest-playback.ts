import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PeerMessageOf } from '../../shared/peer-messages';
import { targetPosition } from '../../shared/sync/target';
import type { MeshController } from '../mesh/mesh-controller';
import { PlayerError } from '../players/player-adapter';
import { classifyUrl } from '../players/source-url';
import { type UrlPlayer, urlPlayer } from '../players/url-player';
import { GuestSync, type SyncMessage } from '../sync/guest-sync';

const now = (): number => performance.timeOrigin + performance.now();

/**
 * A guest's side of playback: the host's media stream, or the host's video URL in a player
 * of our own that GuestSync keeps on the host's timeline; the host's latest `sync` (for name,
 * duration, position, paused) and control requests back to the host.
 */
export class GuestPlayback implements ReactiveController {
  /** The host's media as it arrives: one remote stream per connection to the host. */
  stream: MediaStream | null = null;
  sync: SyncMessage | null = null;
  /** Why the host's URL cannot play here, for people. */
  error = '';
  #url: (UrlPlayer & { url: string }) | null = null;
  #follower: GuestSync | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly mesh: MeshController,
  ) {
    host.addController(this);
  }

  /** The element showing the host's URL, while the host shows one. */
  get media(): HTMLElement | null {
    return this.#url?.element ?? null;
  }

  /** The URL source's length, which its sync does not carry. */
  get duration(): number | null {
    return this.#url?.player.duration ?? null;
  }

  /** The browser refused to start the URL player: why, until someone presses play. */
  get blocked(): string | null {
    const status = this.#follower?.status;
    return status?.state === 'blocked' ? status.message : null;
  }

  hostConnected(): void {
    this.#follower = new GuestSync({
      hostClock: { estimate: () => this.mesh.hostClock() },
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
        if (message.type !== 'sync') return;
        // Sequence numbers restart with a new host connection, which hostChanged resets.
        if (this.sync && message.seq <= this.sync.seq) return;
        this.sync = message;
        this.#follower?.receive(message);
        this.#follow(message);
        this.host.requestUpdate();
      },
      hostChanged: () => {
        this.sync = null;
        this.stream = null;
        this.#follower?.reset();
        this.#closeUrl();
        this.host.requestUpdate();
      },
    });
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
    this.#follower?.destroy();
    this.#follower = null;
    this.#closeUrl();
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

  /** Opens the host's URL in a player here when the host shows a new one; drops it otherwise. */
  #follow(sync: SyncMessage): void {
    const source = sync.source;
    if (source.kind !== 'url') {
      this.#closeUrl();
      return;
    }
    if (this.#url?.url === source.url) return;
    this.#closeUrl();
    const kind = classifyUrl(source.url);
    if (kind.kind === 'invalid') {
      this.error = kind.message;
      return;
    }
    const opened = { ...urlPlayer(kind.kind, false), url: source.url };
    this.#url = opened;
    opened.player.load(source).then(
      () => {
        if (this.#url === opened) this.#follower?.attach(opened.player, source);
      },
      (err: unknown) => {
        if (this.#url !== opened) return;
        this.error =
          err instanceof PlayerError ? err.message : 'The host’s video cannot be played here.';
        this.host.requestUpdate();
      },
    );
  }

  #closeUrl(): void {
    if (!this.#url && !this.error) return;
    this.#follower?.attach(null, null);
    this.#url?.player.destroy();
    this.#url = null;
    this.error = '';
  }
}
