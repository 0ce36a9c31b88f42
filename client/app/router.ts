import { ROOM_ID_PATTERN } from '../../shared/ids';

export type Route =
  | { page: 'sign-in' }
  | { page: 'lobby' }
  | { page: 'room'; roomId: string }
  | { page: 'not-found' };

/** Maps a location path to a page; the PIN never appears in a path, only in the fragment. */
export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { page: 'sign-in' };
  if (path === '/lobby') return { page: 'lobby' };
  const room = /^\/room\/([^/]+)$/.exec(path);
  // Room IDs need no escaping, so a segment that is not one as-is is not one at all.
  if (room?.[1] && ROOM_ID_PATTERN.test(room[1])) return { page: 'room', roomId: room[1] };
  return { page: 'not-found' };
}

export function routePath(route: Route): string {
  switch (route.page) {
    case 'sign-in':
    case 'not-found':
      return '/';
    case 'lobby':
      return '/lobby';
    case 'room':
      return `/room/${route.roomId}`;
  }
}

/** The invite link a host shares: the PIN rides in the fragment, which browsers never send. */
export function inviteLink(origin: string, roomId: string, pin: string): string {
  return `${origin}${routePath({ page: 'room', roomId })}#pin=${pin}`;
}
