import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Source } from '../../shared/peer-messages';
import { HostStream } from '../media/host-stream';
import type { MeshController } from '../mesh/mesh-controller';
import { HtmlVideoAdapter } from '../players/html-video-adapter';
import { PlayerError } from '../players/player-adapter';
import { classifyUrl } from '../players/source-url';
import { type UrlPlayer, urlPlayer } from '../players/url-player';
import { type SyncMessage, sameSource } from '../sync/guest-sync';
import { HostSync } from '../sync/host-sync';

/**
 * The host's side of playback, in one of two modes: a local file streamed to every guest, or
 * a video URL every guest loads itself. HostSync sends `sync` for either, from the player that
 * shows it, and applies guests' control requests when the host allows them.
 */
export class HostPlayback implements ReactiveController {
  /** Why the last file or URL was refused, for the host to read. */
  error = '';
  opening = false;
  /** The state most recently sent, which the host's own player shows too. */
  lastSync: SyncMessage | null = null;
  #sync: HostSync | null = null;
  #source: Source = { kind: 'none' };
  #stream: HostStream | null = null;
  /** HostSync's view of the stream's <video>: it only watches and steers, never loads. */
  #streamPlayer: HtmlVideoAdapter | null = null;
  #url: UrlPlayer | null = null;
  /** A URL still loading: shown hidden (YouTube's iframe only loads in the page). */
  #pending: UrlPlayer | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly mesh: MeshController,
  ) {
    host.addController(this);
  }

  get guestControl(): boolean {
    return this.#sync?.guestControl ?? false;
  }

  /** What the host's player shows: the current source's element, then one still loading. */
  get media(): HTMLElement[] {
    const shown = this.#url?.element ?? this.#stream?.video;
    return [shown, this.#pending?.element].filter((e): e is HTMLElement => e !== undefined);
  }

  /** The source's length where the sync does not carry it (URL sources). */
  get duration(): number | null {
    return this.#url?.player.duration ?? null;
  }

  hostConnected(): void {
    this.#sync = new HostSync({ broadcast: (sync) => this.#send(sync) });
    this.#unsubscribe = this.mesh.subscribe({
      linkReady: (member) => {
        if (this.mesh.isHost && this.#sync) this.mesh.send(member.peerId, this.#sync.message());
      },
      message: (from, message) => {
        // message-policy lets control and buffering through only to the host, from guests.
        if (message.type === 'control') this.#sync?.control(from.peerId, message);
        else if (message.type === 'buffering')
          this.#sync?.buffering(from.peerId, message.buffering);
      },
      memberLeft: (member) => this.#sync?.peerLeft(member.peerId),
    });
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
    this.#sync?.destroy();
    this.#sync = null;
    this.#pending?.player.destroy();
    this.#pending = null;
    this.#closeUrl();
    this.#closeStream();
  }

  async open(file: File): Promise<void> {
    this.#stream ??= new HostStream({
      media: (media) => this.mesh.setOutgoing(media),
      playback: () => this.#streamChanged(),
      failed: (message) => {
        this.error = message;
        this.host.requestUpdate();
      },
    });
    this.opening = true;
    this.error = '';
    this.host.requestUpdate();
    const result = await this.#stream.open(file);
    this.opening = false;
    if (result.ok) {
      this.#closeUrl();
      this.#streamChanged();
    } else {
      this.error = `${file.name}: ${result.message}`;
    }
    this.host.requestUpdate();
  }

  /** Loads a pasted URL for everyone; if it fails, what plays now goes on. */
  async openUrl(text: string): Promise<void> {
    const kind = classifyUrl(text);
    if (kind.kind === 'invalid') {
      this.error = kind.message;
      this.host.requestUpdate();
      return;
    }
    this.#pending?.player.destroy();
    const pending = urlPlayer(kind.kind, true);
    pending.element.hidden = true;
    this.#pending = pending;
    this.opening = true;
    this.error = '';
    this.host.requestUpdate();
    const source: Source = { kind: 'url', url: kind.url };
    try {
      await pending.player.load(source);
    } catch (err) {
      if (this.#pending !== pending) return;
      pending.player.destroy();
      this.#pending = null;
      this.opening = false;
      this.error = err instanceof PlayerError ? err.message : 'The video URL could not be loaded.';
      this.host.requestUpdate();
      return;
    }
    if (this.#pending !== pending) return;
    this.#pending = null;
    this.opening = false;
    this.#closeStream();
    this.#closeUrl();
    pending.element.hidden = false;
    this.#url = pending;
    this.#setSource(source);
    pending.player.play().catch(() => {
      // Autoplay refused: the host presses play in the player.
    });
    this.host.requestUpdate();
  }

  setGuestControl(allowed: boolean): void {
    this.#sync?.setGuestControl(allowed);
  }

  /** The stream's file or duration may have changed; ignored while a URL is shown. */
  #streamChanged(): void {
    const stream = this.#stream;
    if (this.#url || !stream?.name) return;
    const duration = stream.video.duration;
    const source: Source = {
      kind: 'stream',
      name: stream.name.slice(0, 255),
      duration: Number.isFinite(duration) && duration >= 0 ? duration : null,
    };
    // HostSync hears play, pause and seeks itself; only a new file or its duration is news here.
    const current = this.#source;
    if (
      current.kind === 'stream' &&
      sameSource(current, source) &&
      current.duration === source.duration
    )
      return;
    this.#streamPlayer ??= new HtmlVideoAdapter(stream.video);
    this.#setSource(source);
  }

  #setSource(source: Source): void {
    this.#source = source;
    const player = source.kind === 'url' ? this.#url?.player : this.#streamPlayer;
    this.#sync?.setSource(player ?? null, source);
  }

  /** Guests drop the stream: its tracks stop and nothing is sent. */
  #closeStream(): void {
    this.#streamPlayer?.destroy();
    this.#streamPlayer = null;
    this.#stream?.dispose();
    this.#stream = null;
    this.mesh.setOutgoing(null);
  }

  #closeUrl(): void {
    this.#url?.player.destroy();
    this.#url = null;
  }

  #send(sync: SyncMessage): void {
    if (!this.mesh.isHost) return;
    this.lastSync = sync;
    this.mesh.broadcast(sync);
    this.host.requestUpdate();
  }
}
