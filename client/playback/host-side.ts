import type { ReactiveControllerHost } from 'lit';
import type { MeshController } from '../mesh/mesh-controller';
import '../room/lc-host-controls';
import '../room/lc-room-access';
import { loadVideoAdapter } from '../players/url-player';
import { HostPlayback } from './host-playback';
import { HostResumeStore } from './host-resume';

/**
 * Everything only the host runs: its playback (streaming a file, a URL, its own copy), the sync it
 * sends, what it keeps to carry on after a reload, its controls (`lc-host-controls`) and the
 * room's ID, PIN and invite link (`lc-room-access`). The room page fetches this chunk once it
 * learns this person is the host; guests never download it.
 */
export function hostPlayback(
  host: ReactiveControllerHost,
  mesh: MeshController,
  roomId: string,
): HostPlayback {
  // A host is there to play something: fetch the <video> adapter now, not once a file is chosen
  // (a failure is forgotten; opening the file asks again and says so).
  loadVideoAdapter().catch(() => undefined);
  return new HostPlayback(host, mesh, new HostResumeStore(localStorage, roomId));
}
