import type { RoomClosedReason } from '../../shared/socket';
import { closeRoom, membersOf, notifyHost, roomKey } from '../realtime/presence';
import type { LcServer } from '../realtime/types';

/** What the rooms' rules tell people in a room, and what they know of who is there. */
export interface RoomNotifier {
  roomClosed(roomId: string, reason: RoomClosedReason): Promise<void>;
  /** Tells the host's connections in the room how many wrong PINs its current window holds. */
  pinAttempts(roomId: string, hostId: string, failed: number): Promise<void>;
  /** Whether a connection of the room's host is in it now, on any node. */
  hostPresent(roomId: string): Promise<boolean>;
  /** Tells the room's members that the host is away and when the room closes unless they return. */
  hostAway(roomId: string, closesAt: number): Promise<void>;
}

/** Through socket.io rooms and fetchSockets(), so it reaches members on every node. */
export function createRoomNotifier(io: LcServer, pinWindowSeconds: number): RoomNotifier {
  return {
    roomClosed: async (roomId, reason) => closeRoom(io, roomId, reason),
    pinAttempts: (roomId, hostId, failed) =>
      notifyHost(io, roomId, hostId, { failed, windowSeconds: pinWindowSeconds }),
    hostPresent: async (roomId) =>
      (await membersOf(io, roomId)).some((member) => member.role === 'host'),
    hostAway: async (roomId, closesAt) => {
      io.to(roomKey(roomId)).emit('room:host-away', { roomId, closesAt });
    },
  };
}
