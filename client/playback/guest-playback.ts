import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PeerMessageOf } from '../../shared/peer-messages';
import { targetPosition } from '../../shared/sync/target';
import type { MeshController } from '../mesh/mesh-controller';
import type { SyncMessage } from './host-playback';

const now = (): number => performance.timeOrigin + performance.now();

/**
 * A guest's side of playback: the host's media stream, the host's latest `sync` (for name,
 * duration, position, paused) and control requests back to the host.
 */
export class GuestPlayback implements ReactiveController {
  /** The host's media as it arrives: one remote stream per connection to the host. */
  stream: MediaStream | null = null;
  sync: SyncMessage | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly mesh: MeshController,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
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
        this.host.requestUpdate();
      },
      hostChanged: () => {
        this.sync = null;
        this.stream = null;
        this.host.requestUpdate();
      },
    });
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
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
}
