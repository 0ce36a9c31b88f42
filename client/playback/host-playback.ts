import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Source } from '../../shared/peer-messages';
import { HostStream } from '../media/host-stream';
import type { MeshController } from '../mesh/mesh-controller';
import { fingerprintFile } from '../players/file-fingerprint';
import { HtmlVideoAdapter } from '../players/html-video-adapter';
import { PlayerError } from '../players/player-adapter';
import { classifyUrl } from '../players/source-url';
import { type UrlPlayer, urlPlayer } from '../players/url-player';
import { type SyncMessage, sameSource } from '../sync/guest-sync';
import { type BufferingPolicy, HostSync } from '../sync/host-sync';

/**
 * The host's side of playback, in one of three modes: a local file streamed to every guest, a
 * video URL every guest loads itself, or a file everyone opens from their own disk (own copy).
 * HostSync sends `sync` for each, from the player that shows it, and applies guests' control
 * requests when the host allows them.
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
  /** A player of the host's own: a pasted URL, or the host's own copy of a file. */
  #own: UrlPlayer | null = null;
  /** A URL or own copy still loading: shown hidden (YouTube's iframe only loads in the page). */
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

  get policy(): BufferingPolicy {
    return this.#sync?.policy ?? 'continue';
  }

  /** Guests (peer IDs) whose players are buffering now. */
  get bufferingPeers(): readonly string[] {
    return this.#sync?.bufferingPeers ?? [];
  }

  /** The playback rate everyone follows. */
  get rate(): number {
    return this.lastSync?.rate ?? 1;
  }

  /** What the host's player shows: the current source's element, then one still loading. */
  get media(): HTMLElement[] {
    const shown = this.#own?.element ?? this.#stream?.video;
    return [shown, this.#pending?.element].filter((e): e is HTMLElement => e !== undefined);
  }

  /** The source's length where the sync does not carry it (URL sources). */
  get duration(): number | null {
    return this.#own?.player.duration ?? null;
  }

  hostConnected(): void {
    this.#sync = new HostSync({
      broadcast: (sync) => this.#send(sync),
      changed: () => this.host.requestUpdate(),
    });
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
    this.#closeOwn();
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
      this.#closeOwn();
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
    const source: Source = { kind: 'url', url: kind.url };
    await this.#openOwn(urlPlayer(kind.kind, true), 'The video URL could not be loaded.', (p) =>
      p.load(source).then(() => source),
    );
  }

  /**
   * Plays the host's own copy of a file that every guest opens from their own disk: nothing is
   * streamed, guests are told its name, size, duration and edge hash to check theirs against.
   */
  async openOwnCopy(file: File): Promise<void> {
    await this.#openOwn(urlPlayer('file', true), `${file.name}: it could not be opened.`, (p) =>
      p.load({ kind: 'file', file }).then(() => fingerprintFile(file, p.duration)),
    );
  }

  setGuestControl(allowed: boolean): void {
    this.#sync?.setGuestControl(allowed);
  }

  setPolicy(policy: BufferingPolicy): void {
    this.#sync?.setPolicy(policy);
  }

  /** Everyone's speed: guests follow the rate the next sync carries. */
  setRate(rate: number): void {
    const player = this.#own?.player ?? this.#streamPlayer;
    if (player) player.playbackRate = rate;
  }

  /**
   * Loads a player of the host's own (hidden until ready) and then shows it in place of what
   * played before; if it fails, what plays now goes on and the host reads why.
   */
  async #openOwn(
    pending: UrlPlayer,
    fallbackError: string,
    load: (player: UrlPlayer['player']) => Promise<Source>,
  ): Promise<void> {
    this.#pending?.player.destroy();
    pending.element.hidden = true;
    this.#pending = pending;
    this.opening = true;
    this.error = '';
    this.host.requestUpdate();
    let source: Source;
    try {
      source = await load(pending.player);
    } catch (err) {
      if (this.#pending !== pending) return;
      pending.player.destroy();
      this.#pending = null;
      this.opening = false;
      this.error = err instanceof PlayerError ? err.message : fallbackError;
      this.host.requestUpdate();
      return;
    }
    if (this.#pending !== pending) return;
    this.#pending = null;
    this.opening = false;
    this.#closeStream();
    this.#closeOwn();
    pending.element.hidden = false;
    this.#own = pending;
    this.#setSource(source);
    pending.player.play().catch(() => {
      // Autoplay refused: the host presses play in the player.
    });
    this.host.requestUpdate();
  }

  /** The stream's file or duration may have changed; ignored while a URL is shown. */
  #streamChanged(): void {
    const stream = this.#stream;
    if (this.#own || !stream?.name) return;
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
    const player = source.kind === 'stream' ? this.#streamPlayer : this.#own?.player;
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

  #closeOwn(): void {
    this.#own?.player.destroy();
    this.#own = null;
  }

  #send(sync: SyncMessage): void {
    if (!this.mesh.isHost) return;
    this.lastSync = sync;
    this.mesh.broadcast(sync);
    this.host.requestUpdate();
  }
}
