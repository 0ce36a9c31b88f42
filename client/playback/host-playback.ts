import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PeerMessageOf, Source } from '../../shared/peer-messages';
import { HostStream } from '../media/host-stream';
import type { MeshController } from '../mesh/mesh-controller';

export type SyncMessage = PeerMessageOf<'sync'>;

const HEARTBEAT_MS = 2000;
const now = (): number => performance.timeOrigin + performance.now();

/**
 * The host's side of playback: the local file's stream to every guest, `sync` on every change
 * and as a heartbeat, and guests' control requests applied when the host allows them.
 */
export class HostPlayback implements ReactiveController {
  guestControl = false;
  /** Why the last chosen file was refused, for the host to read. */
  error = '';
  opening = false;
  /** The state most recently sent, which the host's own player shows too. */
  lastSync: SyncMessage | null = null;
  #stream: HostStream | null = null;
  #seq = 0;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #unsubscribe: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly mesh: MeshController,
  ) {
    host.addController(this);
  }

  /** The host's <video>, made on first use so guests never create one. */
  get video(): HTMLVideoElement | null {
    return this.#stream?.video ?? null;
  }

  hostConnected(): void {
    this.#unsubscribe = this.mesh.subscribe({
      linkReady: (member) => {
        if (this.mesh.isHost) this.mesh.send(member.peerId, this.#syncMessage());
      },
      message: (_from, message) => {
        if (message.type === 'control' && this.mesh.isHost && this.guestControl)
          this.#apply(message);
      },
    });
    this.#heartbeat = setInterval(() => this.#broadcast(), HEARTBEAT_MS);
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
    clearInterval(this.#heartbeat);
    this.#stream?.dispose();
    this.mesh.setOutgoing(null);
  }

  async open(file: File): Promise<void> {
    this.#stream ??= new HostStream({
      media: (media) => this.mesh.setOutgoing(media),
      playback: () => this.#broadcast(),
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
    if (!result.ok) this.error = `${file.name}: ${result.message}`;
    this.host.requestUpdate();
  }

  setGuestControl(allowed: boolean): void {
    this.guestControl = allowed;
    this.#broadcast();
  }

  #apply(control: PeerMessageOf<'control'>): void {
    const stream = this.#stream;
    if (!stream?.hasSource) return;
    if (control.action === 'play') stream.play();
    else if (control.action === 'pause') stream.pause();
    else if (control.position !== undefined) stream.seek(control.position);
  }

  #broadcast(): void {
    if (!this.mesh.isHost) return;
    this.mesh.broadcast(this.#syncMessage());
    this.host.requestUpdate();
  }

  #syncMessage(): SyncMessage {
    const stream = this.#stream;
    const video = stream?.video;
    const source: Source =
      stream?.name && video
        ? {
            kind: 'stream',
            name: stream.name.slice(0, 255),
            duration: finiteOrNull(video.duration),
          }
        : { kind: 'none' };
    this.#seq += 1;
    this.lastSync = {
      type: 'sync',
      seq: this.#seq,
      source,
      paused: video ? video.paused : true,
      position: video ? Math.max(0, finiteOrNull(video.currentTime) ?? 0) : 0,
      rate: video ? Math.min(16, Math.max(0.0625, video.playbackRate)) : 1,
      at: now(),
      guestControl: this.guestControl,
    };
    return this.lastSync;
  }
}

function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) && n >= 0 ? n : null;
}
