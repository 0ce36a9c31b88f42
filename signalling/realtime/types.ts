import type { Server, Socket } from 'socket.io';
import type { ApiError, ErrorCode } from '../../shared/errors';
import type {
  ClientToServerEvents,
  Failure,
  Role,
  ServerToClientEvents,
} from '../../shared/socket';

/** Set at the handshake; readable across processes through fetchSockets(). */
export interface SocketData {
  userId: string;
  name: string;
  sessionHash: string;
  address: string;
  /** Per connection; what peers address each other by. */
  peerId: string;
  /** The room last joined; trust it only while the socket is still in that socket.io room. */
  roomId: string | null;
  role: Role | null;
}

// biome-ignore lint/complexity/noBannedTypes: socket.io's own placeholder for "no inter-server events".
export type InterServerEvents = {};

export type LcServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type LcSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export function failure(code: ErrorCode, message: string): Failure {
  const error: ApiError = { code, message };
  return { ok: false, error };
}
