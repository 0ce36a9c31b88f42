import { type Failure, removeRequestSchema } from '../../shared/socket';
import { describeIssues } from '../http/errors';
import type { Outcome, RealtimeContext } from './context';
import { currentRoom, roomKey } from './presence';
import { failure, type LcSocket } from './types';

/**
 * The host takes a member out of the room for good: the account is barred in the store (so no
 * PIN lets it back in), then every connection of that account in the room, on any node, is told
 * `room:removed` and taken out, and the others see `peer:left` as for anyone leaving. Under the
 * room's join lock, so a join of that account in progress either ends before (and is taken out
 * here) or finds the bar.
 */
export async function handleRemove(
  ctx: RealtimeContext,
  socket: LcSocket,
  payload: unknown,
): Promise<Outcome<{ ok: true } | Failure>> {
  const parsed = removeRequestSchema.safeParse(payload);
  if (!parsed.success) return { reply: failure('bad_request', describeIssues(parsed.error)) };
  const roomId = currentRoom(socket);
  if (roomId === null) return { reply: failure('not_in_room', 'join a room first') };
  if (socket.data.role !== 'host') {
    return { reply: failure('forbidden', 'only the host can remove people from the room') };
  }
  const key = roomKey(roomId);
  return ctx.joinLock.run(roomId, async () => {
    const members = (await ctx.io.in(key).fetchSockets()).filter((s) => s.data.roomId === roomId);
    const target = members.find((s) => s.data.peerId === parsed.data.peerId);
    if (!target) return { reply: failure('peer_not_found', 'no such peer in this room') };
    const { userId } = target.data;
    if (userId === socket.data.userId) {
      return { reply: failure('forbidden', 'you cannot remove yourself; leave the room instead') };
    }
    if (!(await ctx.rooms.removeMember(roomId, userId))) {
      return { reply: failure('room_closed', 'that room has been closed') };
    }
    const removed = members.filter((s) => s.data.userId === userId);
    for (const s of removed) {
      s.emit('room:removed', { roomId });
      s.leave(key);
    }
    const ids = removed.map((s) => s.id);
    for (const s of removed)
      ctx.io.to(key).except(ids).emit('peer:left', { peerId: s.data.peerId });
    // Asked after the leaves, over the same channel, so every node has applied them by the
    // answer: once the host hears ok, no removed connection relays a signal in this room.
    const left = (await ctx.io.in(key).fetchSockets()).filter((s) => ids.includes(s.id));
    if (left.length > 0)
      ctx.log.warn({ roomId, userId }, 'a removed connection is still in the room');
    ctx.log.info({ roomId, userId, connections: removed.length }, 'member removed');
    return { reply: { ok: true } };
  });
}
