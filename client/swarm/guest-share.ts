import type { FileSource } from '../../shared/swarm/messages';
import type { Member } from '../mesh/member';
import type { MeshController } from '../mesh/mesh-controller';
import { PlayerError } from '../players/player-adapter';
import { now } from '../util/clock';
import { CacheSpill, deleteLeftCopies } from './cache-spill';
import { serveFile, startFileWorker } from './file-worker-client';
import { DEFAULT_GUEST_OPTIONS, SwarmGuest } from './swarm-guest';
import { isSwarmMessage, type SwarmLink } from './swarm-link';

/** A guest's copy of the host's shared file, as the room's playback uses it. */
export interface GuestShare {
  /** Where the guest's `<video>` plays it (answered by the file worker). */
  readonly url: string;
  readonly guest: SwarmGuest;
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
  await startFileWorker().catch(() => {
    throw new PlayerError('unsupported', 'This browser cannot receive the host’s file.');
  });
  await deleteLeftCopies();
  const self = mesh.selfPeerId ?? 'guest';
  const guest = new SwarmGuest(
    source,
    { ...DEFAULT_GUEST_OPTIONS, self, spill: new CacheSpill(source.id), now },
    { progress: changed, dropped: () => {} },
  );
  const linkTo = (member: Member): SwarmLink => ({
    peerId: member.peerId,
    isHost: member.peerId === mesh.hostPeerId,
    send: (message) => {
      mesh.send(member.peerId, message);
    },
    sendChunk: (frame) => mesh.sendFile(member.peerId, frame),
  });
  for (const member of mesh.members) {
    if (member.link === 'connected') guest.addMember(linkTo(member));
  }
  const unsubscribe = mesh.subscribe({
    linkReady: (member) => guest.addMember(linkTo(member)),
    memberLeft: (member) => guest.removeMember(member.peerId),
    message: (from, message) => {
      if (isSwarmMessage(message)) guest.message(from.peerId, message);
    },
    file: (from, event) => {
      if (event.kind === 'data') guest.frame(from.peerId, event.bytes);
      else if (event.kind === 'drain' || event.kind === 'open') guest.drain(from.peerId);
    },
  });
  const served = serveFile(source.id, guest);
  return {
    url: served.url,
    guest,
    reportUnplayable: (reason) => {
      const host = mesh.hostPeerId;
      if (host) mesh.send(host, { type: 'file-unplayable', id: source.id, reason });
    },
    close: async () => {
      unsubscribe();
      served.stop();
      await guest.close();
    },
  };
}
