import type { PeerInfo, PinAttempts, RoomClosedReason } from '../../shared/socket';
import type { LcServer, LcSocket, SocketData } from './types';

/**
 * Who is where comes from socket.io rooms and socket.data (fetchSockets), never from maps
 * private to this process, so an adapter (e.g. Redis) can spread rooms over servers.
 */
export const roomKey = (roomId: string): string => `room:${roomId}`;
export const sessionKey = (tokenHash: string): string => `session:${tokenHash}`;
/** Every socket of one account, on any node. */
export const userKey = (userId: string): string => `user:${userId}`;

export function peerInfo(data: SocketData): PeerInfo | undefined {
  if (data.roomId === null || data.role === null) return undefined;
  return { peerId: data.peerId, userId: data.userId, name: data.name, role: data.role };
}

/** The room this socket is in now; socket.data alone may be stale after a room was closed. */
export function currentRoom(socket: LcSocket): string | null {
  const { roomId } = socket.data;
  return roomId !== null && socket.rooms.has(roomKey(roomId)) ? roomId : null;
}

export async function membersOf(io: LcServer, roomId: string): Promise<PeerInfo[]> {
  const sockets = await io.in(roomKey(roomId)).fetchSockets();
  return sockets
    .filter((s) => s.data.roomId === roomId)
    .map((s) => peerInfo(s.data))
    .filter((p): p is PeerInfo => p !== undefined);
}

export async function leaveCurrentRoom(socket: LcSocket): Promise<void> {
  const roomId = currentRoom(socket);
  socket.data.roomId = null;
  socket.data.role = null;
  if (roomId === null) return;
  await socket.leave(roomKey(roomId));
  socket.to(roomKey(roomId)).emit('peer:left', { peerId: socket.data.peerId });
}

export async function notifyHost(
  io: LcServer,
  roomId: string,
  hostId: string,
  message: PinAttempts,
): Promise<void> {
  const sockets = await io.in(roomKey(roomId)).fetchSockets();
  for (const s of sockets) {
    if (s.data.roomId === roomId && s.data.userId === hostId) s.emit('room:pin-attempts', message);
  }
}

export function closeRoom(io: LcServer, roomId: string, reason: RoomClosedReason): void {
  const key = roomKey(roomId);
  io.in(key).emit('room:closed', { roomId, reason });
  // The Redis adapter removes sockets, this node's too, only once its request has come back
  // from Redis: a member told the room is closed could still signal in it meanwhile.
  io.local.in(key).socketsLeave(key);
  io.in(key).socketsLeave(key);
}

export function disconnectSession(io: LcServer, tokenHash: string): void {
  io.in(sessionKey(tokenHash)).disconnectSockets(true);
}
