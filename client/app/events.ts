import type { User } from '../../shared/http';
import type { Route } from './router';

/** Events that pages and parts send up to the app shell; each bubbles and crosses shadow roots. */
export interface AppEventDetails {
  /** Go to another page, optionally with a message shown there. */
  'lc-navigate': { route: Route; message?: string; prefillRoomId?: string };
  'lc-signed-in': { user: User };
  /** The server answered 401: the session is gone. */
  'lc-unauthorized': Record<string, never>;
  /** The lobby wants to enter a room with this PIN. */
  'lc-join': { roomId: string; pin: string };
  /** The host rotated the room's PIN; the app keeps the new one and passes it to the room page. */
  'lc-pin-changed': { roomId: string; pin: string };
  /** The room page is done: wrong PIN, room closed, left. */
  'lc-room-exit': { roomId: string; message: string; forgetPin: boolean; prefill: boolean };
}

export type AppEventName = keyof AppEventDetails;

export function fire<K extends AppEventName>(
  from: EventTarget,
  type: K,
  detail: AppEventDetails[K],
): void {
  from.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

declare global {
  interface HTMLElementEventMap {
    'lc-navigate': CustomEvent<AppEventDetails['lc-navigate']>;
    'lc-signed-in': CustomEvent<AppEventDetails['lc-signed-in']>;
    'lc-unauthorized': CustomEvent<AppEventDetails['lc-unauthorized']>;
    'lc-join': CustomEvent<AppEventDetails['lc-join']>;
    'lc-room-exit': CustomEvent<AppEventDetails['lc-room-exit']>;
    'lc-pin-changed': CustomEvent<AppEventDetails['lc-pin-changed']>;
  }
}
