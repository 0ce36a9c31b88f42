import { type JoinAck, joinRequestSchema, type Resume } from '../../shared/socket';
import { describeIssues } from '../http/errors';
import { REMOVED_MESSAGE } from '../rooms/pin-admission';
import type { RoomRecord } from '../store/types';
import type { Outcome, RealtimeContext } from './context';
import { currentRoom, leaveCurrentRoom, membersOf, peerInfo, roomKey } from './presence';
import { failure, type LcSocket } from './types';

/** Checks the session, then leaves the PIN to the room's admission rule (rooms/pin-admission). */
export async function handleJoin(
  ctx: RealtimeContext,
  socket: LcSocket,
  payload: unknown,
): Promise<Outcome<JoinAck>> {
  const parsed = joinRequestSchema.safeParse(payload);
  if (!parsed.success) return { reply: failure('bad_request', describeIssues(parsed.error)) };
  const { roomId, pin, resume } = parsed.data;
  const { userId, address } = socket.data;

  if (!(await ctx.sessions.resolveHash(socket.data.sessionHash))) {
    return {
      reply: failure('unauthorized', 'your session has ended; sign in again'),
      after: async () => {
        socket.disconnect(true);
      },
    };
  }
  const admission = await ctx.rooms.admission.admit({ roomId, pin, userId, address });
  if (!admission.ok) return { reply: failure(admission.code, admission.message) };
  const { room, isHost } = admission;
  return ctx.joinLock.run(roomId, () => enter(ctx, socket, room, isHost, resume));
}

async function enter(
  ctx: RealtimeContext,
  socket: LcSocket,
  room: RoomRecord,
  isHost: boolean,
  resume: Resume | undefined,
): Promise<Outcome<JoinAck>> {
  const key = roomKey(room.id);
  // Again under the lock: a removal that ran while this join waited for it has barred the account.
  if (!isHost && (await ctx.rooms.isRemoved(room.id, socket.data.userId))) {
    return { reply: failure('removed', REMOVED_MESSAGE) };
  }
  await leaveCurrentRoom(socket);
  if (!socket.connected) return { reply: failure('not_in_room', 'disconnected') };
  // Before joining, so presence (and a cluster's node records) only ever see the final peerId.
  if (resume && (await mayResume(ctx, socket, room.id, resume))) {
    socket.data.peerId = resume.peerId;
  }
  // Under the room's lock, so two joiners cannot both take the last place. The host is never
  // kept out of its own room: it counts toward the cap, but is not refused by it.
  const max = ctx.limits.config.roomMaxMembers;
  if (!isHost && (await membersOf(ctx.io, room.id)).length >= max) {
    return { reply: failure('room_full', `this room is full: it holds at most ${max} people`) };
  }
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
  // Told after the ack, so the joiner already knows the room; only while no host is here.
  const closesAt = hostPeerId === null ? ctx.rooms.hostAway.closesAt(fresh) : null;
  const after = async (): Promise<void> => {
    if (!isHost) {
      if (closesAt !== null) socket.emit('room:host-away', { roomId: room.id, closesAt });
      return;
    }
    await ctx.rooms.hostAway.hostReturned(room.id);
    if (fresh.awaitingHostSince !== undefined) await ctx.rooms.hostEntered(room.id);
    const failed = await ctx.rooms.admission.failures(room.id);
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
      resumeToken: ctx.resume.issue(room.id, self.userId, self.peerId),
    },
    after,
  };
}

/**
 * A resume is honoured when its token was issued to this user for this peerId in this room and
 * no live socket holds that peerId there now. Otherwise the socket keeps its fresh peerId: a bad
 * or stale token is no error, the joiner just starts over as someone new.
 */
async function mayResume(
  ctx: RealtimeContext,
  socket: LcSocket,
  roomId: string,
  resume: Resume,
): Promise<boolean> {
  if (!ctx.resume.verify(roomId, socket.data.userId, resume.peerId, resume.token)) return false;
  const members = await membersOf(ctx.io, roomId);
  const held = members.some((p) => p.peerId === resume.peerId);
  if (held) ctx.log.info({ roomId, userId: socket.data.userId }, 'resume refused: peerId in use');
  return !held;
}
