/**
 * The room page and all it pulls in (socket, mesh, simple-peer, players, sync) as a chunk of its
 * own, so the sign-in page does not download it. A failed download can be asked for again.
 */
let loading: Promise<unknown> | null = null;

export function loadRoomPage(): Promise<unknown> {
  loading ??= import('../pages/lc-room').catch((err: unknown) => {
    loading = null;
    throw err;
  });
  return loading;
}

export function roomPageLoaded(): boolean {
  return customElements.get('lc-room') !== undefined;
}
