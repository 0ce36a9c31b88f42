import type { ApiError } from '../../shared/errors';
import type { MeshEnd } from '../mesh/mesh-controller';

/** What the page we land on says, and what becomes of the PIN this tab kept. */
export interface RoomExit {
  message: string;
  /** The PIN is useless now (wrong, or the room is gone): forget it. */
  forgetPin: boolean;
  /** Show the lobby's join form filled in with this room, to try again. */
  prefill: boolean;
}

/**
 * How the room ending for us is put to people; 'signed-out' sends them to sign in again.
 * `closing`: this page's host pressed Close room, so any ending reads as their doing.
 */
export function roomExit(end: MeshEnd, closing: boolean): RoomExit | 'signed-out' {
  const exit = describe(end, closing);
  if (exit === 'signed-out' || !closing) return exit;
  return { ...exit, message: 'You closed the room.' };
}

function describe(end: MeshEnd, closing: boolean): RoomExit | 'signed-out' {
  switch (end.reason) {
    case 'left':
      return { message: 'You left the room.', forgetPin: closing, prefill: false };
    case 'signed-out':
      return 'signed-out';
    case 'unreachable':
      return { message: 'The server cannot be reached.', forgetPin: false, prefill: true };
    case 'refused':
      return { message: 'The server refused the connection.', forgetPin: false, prefill: true };
    case 'closed':
      return {
        message: closedMessage(end.cause),
        forgetPin: true,
        prefill: false,
      };
    case 'join-failed':
      return joinFailure(end.error);
  }
}

function joinFailure(error: ApiError): RoomExit | 'signed-out' {
  switch (error.code) {
    case 'wrong_pin':
      return { message: 'That PIN is not right for this room.', forgetPin: true, prefill: true };
    case 'room_not_found':
      return { message: 'There is no room with that ID.', forgetPin: true, prefill: true };
    case 'room_closed':
      return { message: 'That room has been closed.', forgetPin: true, prefill: false };
    case 'room_full':
      return {
        message: 'That room is full. Try again when someone has left.',
        forgetPin: false,
        prefill: true,
      };
    case 'rate_limited':
      return {
        message: 'Too many attempts. Wait a while and try again.',
        forgetPin: true,
        prefill: true,
      };
    case 'unauthorized':
      return 'signed-out';
    default:
      return {
        message: error.message || 'Could not join the room.',
        forgetPin: false,
        prefill: true,
      };
  }
}

function closedMessage(cause: string): string {
  if (cause === 'host_did_not_return') return 'The room closed because the host did not come back.';
  if (cause === 'host_never_came') return 'The room closed because its host never came.';
  if (cause === 'removed') return 'The host removed you from the room.';
  return 'The host closed the room.';
}
