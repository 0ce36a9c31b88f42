import type { FileSource } from '../../shared/swarm/messages';
import type { MeshController } from '../mesh/mesh-controller';
import { PlayerError } from '../players/player-adapter';
import { now } from '../util/clock';
import { CacheSpill, deleteLeftCopies } from './cache-spill';
import { serveFile, startFileWorker } from './file-worker-client';
import { joinMesh } from './mesh-swarm';
import { playsWithoutSound } from './sound-check';
import { DEFAULT_GUEST_OPTIONS, SwarmGuest } from './swarm-guest';

/**
 * The "Received" bar is redrawn at most this often: each redraw renders the room page, and
 * chunks arrive several times a second, beside chat and the film's own decoding.
 */
const PROGRESS_EVERY_MS = 250;

/** A guest's copy of the host's shared file, as the room's playback uses it. */
export interface GuestShare {
  /** Where the guest's `<video>` plays it (answered by the file worker). */
  readonly url: string;
  readonly guest: SwarmGuest;
  /** Whether `video`, playing the file, plays it without the sound its container declares. */
  playsWithoutSound(video: HTMLVideoElement): Promise<boolean>;
  /** Tells the host that this browser cannot play the file. */
  reportUnplayable(reason: 'no_picture' | 'no_sound' | 'error'): void;
  /** Leaves the file: nothing more is asked or served, and the copy is deleted. */
  close(): Promise<void>;
}

/**
 * Joins the swarm of the host's file over the room's mesh: every member whose link is up is a
 * possible source, chunks come and go on `lc-file`, and the file worker plays them. Rejects
 * where the browser cannot (no service workers or Cache Storage outside a secure context).
 */
export async function openGuestShare(
  mesh: MeshController,
  source: FileSource,
  changed: () => void,
): Promise<GuestShare> {
  if (!window.isSecureContext || typeof caches === 'undefined') {
    throw new PlayerError(
      'unsupported',
      'This page is not served over HTTPS, so it cannot receive the host’s file.',
    );
  }
  await deleteLeftCopies();
  const self = mesh.selfPeerId ?? 'guest';
  let redraw: ReturnType<typeof setTimeout> | undefined;
  const progress = () => {
    redraw ??= setTimeout(() => {
      redraw = undefined;
      changed();
    }, PROGRESS_EVERY_MS);
  };
  const guest = new SwarmGuest(
    source,
    { ...DEFAULT_GUEST_OPTIONS, self, spill: new CacheSpill(source.id), now },
    { progress, dropped: () => {} },
  );
  // The first chunks are asked for while the worker takes this page (registered on entry).
  const unsubscribe = joinMesh(mesh, guest);
  try {
    await startFileWorker();
  } catch {
    unsubscribe();
    await guest.close();
    throw new PlayerError('unsupported', 'This browser cannot receive the host’s file.');
  }
  const served = serveFile(source.id, guest);
  return {
    url: served.url,
    guest,
    // Only what the player read already (the head, the index): asking for more would move
    // the swarm's playhead there.
    playsWithoutSound: (video) =>
      playsWithoutSound(
        video,
        async (start, end) => {
          const bytes = await guest.store.read(start, end - 1);
          if (!bytes) throw new Error('not held yet');
          return bytes;
        },
        source.size,
      ),
    reportUnplayable: (reason) => {
      const host = mesh.hostPeerId;
      if (host) mesh.send(host, { type: 'file-unplayable', id: source.id, reason });
    },
    close: async () => {
      clearTimeout(redraw);
      unsubscribe();
      served.stop();
      await guest.close();
    },
  };
}
