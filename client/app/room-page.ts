import { loadOnce } from '../util/load-once';

/**
 * The room page and all it pulls in (socket, mesh, simple-peer, players, sync) as a chunk of its
 * own, so the sign-in page does not download it. A failed download can be asked for again.
 */
export const loadRoomPage: () => Promise<unknown> = loadOnce(() => import('../pages/lc-room'));

export function roomPageLoaded(): boolean {
  return customElements.get('lc-room') !== undefined;
}
