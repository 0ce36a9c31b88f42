import { type JoinAck, joinRequestSchema } from '../../shared/socket';
import { describeIssues } from '../http/errors';
import { refund, spent, take } from '../security/limits';
import type { RoomRecord } from '../store/types';
import type { Outcome, RealtimeContext } from './context';
import {
  currentRoom,
  leaveCurrentRoom,
  membersOf,
  notifyHost,
  peerInfo,
  roomKey,
} from './presence';
import { failure, type LcSocket } from './types';

const tooMany = (): Outcome<JoinAck> => ({
  reply: failure('rate_limited', 'too many wrong PINs; try again later'),
});

/**
 * Checks the PIN against three budgets (room, user, address). Each attempt is counted before
 * it is judged and refunded when it succeeds, so parallel guesses cannot overrun a budget.
 * The host is never locked out of its own room by strangers spending the room's budget.
 */
export async function handleJoin(
  ctx: RealtimeContext,
  socket: LcSocket,
  payload: unknown,
): Promise<Outcome<JoinAck>> {
  const parsed = joinRequestSchema.safeParse(payload);
  if (!parsed.success) return { reply: failure('bad_request', describeIssues(parsed.error)) };
  const { roomId, pin } = parsed.data;
  const { limits } = ctx;
  const { userId, address } = socket.data;

  if (!(await ctx.sessions.resolveHash(socket.data.sessionHash))) {
    return {
      reply: failure('unauthorized', 'your session has ended; sign in again'),
      after: async () => {
        socket.disconnect(true);
      },
    };
  }
  const byUser = await take(limits.pinUser, userId);
  if (!byUser.ok) return tooMany();
  const byIp = await take(limits.pinIp, address);
  if (!byIp.ok) return tooMany();
  const refundPerson = () =>
    Promise.all([refund(limits.pinUser, userId), refund(limits.pinIp, address)]);

  const room = await ctx.rooms.find(roomId);
  if (!room) return { reply: failure('room_not_found', 'no room has that ID') };
  if (room.state === 'closed') {
    await refundPerson();
    return { reply: failure('room_closed', 'that room has been closed') };
  }
  const isHost = room.hostId === userId;
  const byRoom = await take(limits.pinRoom, roomId);
  if (!byRoom.ok && !isHost) {
    await refundPerson();
    return tooMany();
  }
  if (!ctx.rooms.pinMatches(room, pin)) {
    const failed = await spent(limits.pinRoom, roomId);
    await notifyHost(ctx.io, roomId, room.hostId, {
      failed,
      windowSeconds: limits.config.pinWindowSeconds,
    });
    ctx.log.info({ roomId, userId, failed }, 'wrong pin');
    return { reply: failure('wrong_pin', 'wrong PIN') };
  }
  await Promise.all([refundPerson(), byRoom.ok ? refund(limits.pinRoom, roomId) : undefined]);
  return ctx.joinLock.run(roomId, () => enter(ctx, socket, room, isHost));
}

async function enter(
  ctx: RealtimeContext,
  socket: LcSocket,
  room: RoomRecord,
  isHost: boolean,
): Promise<Outcome<JoinAck>> {
  const key = roomKey(room.id);
  await leaveCurrentRoom(socket);
  if (!socket.connected) return { reply: failure('not_in_room', 'disconnected') };
  await socket.join(key);
  socket.data.roomId = room.id;
  socket.data.role = isHost ? 'host' : 'guest';
  // Read the room again after joining: a close that raced us either shows here or has
  // already removed us from the socket.io room (checked below).
  const fresh = await ctx.rooms.find(room.id);
  const members = await membersOf(ctx.io, room.id);
  const self = peerInfo(socket.data);
  // From here on nothing awaits, so a disconnect or a close cannot slip in before peer:joined.
  if (fresh?.state !== 'open' || !self || !socket.connected || currentRoom(socket) !== room.id) {
    await leaveCurrentRoom(socket);
    return { reply: failure('room_closed', 'that room has been closed') };
  }
  const peers = members.filter((p) => p.peerId !== self.peerId);
  socket.to(key).emit('peer:joined', self);
  const hostPeerId = isHost ? self.peerId : (peers.find((p) => p.role === 'host')?.peerId ?? null);
  ctx.log.info({ roomId: room.id, userId: self.userId, role: self.role }, 'joined');
  const after = async (): Promise<void> => {
    if (!isHost) return;
    const failed = await spent(ctx.limits.pinRoom, room.id);
    if (failed > 0) {
      socket.emit('room:pin-attempts', {
        failed,
        windowSeconds: ctx.limits.config.pinWindowSeconds,
      });
    }
  };
  return {
    reply: {
      ok: true,
      self: { peerId: self.peerId, userId: self.userId, name: self.name },
      hostPeerId,
      peers,
    },
    after,
  };
}
