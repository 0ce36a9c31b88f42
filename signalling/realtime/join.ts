import { type JoinAck, joinRequestSchema, type Resume } from '../../shared/socket';
import { describeIssues } from '../http/errors';
import { DAY_SECONDS, refund, spent, type Taken, take } from '../security/limits';
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

/** "3 minutes", "2 hours": the wait a refused joiner is told, rounded up. */
function waitText(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  if (seconds < 90 * 60) return `${Math.ceil(seconds / 60)} minutes`;
  return `${Math.ceil(seconds / 3600)} hours`;
}

const tooMany = (...budgets: Taken[]): Outcome<JoinAck> => {
  const wait = Math.max(1, ...budgets.map((b) => (b.ok ? 0 : b.retryAfterSeconds)));
  return {
    reply: failure('rate_limited', `too many wrong PINs; try again in ${waitText(wait)}`),
  };
};

/**
 * Checks the PIN against four budgets: the room's per window and per day, the user's and the
 * address's. Each attempt is counted before it is judged and refunded when it succeeds, so
 * parallel guesses cannot overrun a budget. Strangers spending a room's budget lock out
 * neither its host nor anyone who already joined with the current PIN: they know it already,
 * so letting them retry reveals nothing.
 */
export async function handleJoin(
  ctx: RealtimeContext,
  socket: LcSocket,
  payload: unknown,
): Promise<Outcome<JoinAck>> {
  const parsed = joinRequestSchema.safeParse(payload);
  if (!parsed.success) return { reply: failure('bad_request', describeIssues(parsed.error)) };
  const { roomId, pin, resume } = parsed.data;
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
  if (!byUser.ok) return tooMany(byUser);
  const byIp = await take(limits.pinIp, address);
  if (!byIp.ok) return tooMany(byIp);
  const refundPerson = () =>
    Promise.all([refund(limits.pinUser, userId), refund(limits.pinIp, address)]);

  const room = await ctx.rooms.find(roomId);
  if (!room) return { reply: failure('room_not_found', 'no room has that ID') };
  if (room.state === 'closed') {
    await refundPerson();
    return { reply: failure('room_closed', 'that room has been closed') };
  }
  const isHost = room.hostId === userId;
  // Bound to the PIN's HMAC, so a rotation forgets everyone who knew the old PIN.
  const knownKey = `${roomId}:${userId}:${room.pinHmac}`;
  // Together: with Redis each is a round trip.
  const [known, byRoom, byDay] = await Promise.all([
    isHost ? null : limits.pinKnown.get(knownKey),
    take(limits.pinRoom, roomId),
    take(limits.pinRoomDay, roomId),
  ]);
  const exempt = isHost || known !== null;
  const refundRoom = () =>
    Promise.all([
      byRoom.ok ? refund(limits.pinRoom, roomId) : undefined,
      byDay.ok ? refund(limits.pinRoomDay, roomId) : undefined,
    ]);
  if (!exempt && (!byRoom.ok || !byDay.ok)) {
    await Promise.all([refundPerson(), refundRoom()]);
    return tooMany(byRoom, byDay);
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
  await Promise.all([
    refundPerson(),
    refundRoom(),
    isHost ? undefined : limits.pinKnown.set(knownKey, 1, DAY_SECONDS),
  ]);
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
  await leaveCurrentRoom(socket);
  if (!socket.connected) return { reply: failure('not_in_room', 'disconnected') };
  // Before joining, so presence (and a cluster's node records) only ever see the final peerId.
  if (resume && (await mayResume(ctx, socket, room.id, resume))) {
    socket.data.peerId = resume.peerId;
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
