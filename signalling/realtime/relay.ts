import { type SignalAck, signalRequestSchema } from '../../shared/socket';
import { describeIssues } from '../http/errors';
import type { Outcome, RealtimeContext } from './context';
import { currentRoom, roomKey } from './presence';
import { failure, type LcSocket } from './types';

/**
 * Passes a parsed signal to one member of the sender's room, stamped with the sender's
 * peerId. The target is looked up only inside that room, so an answer never says anything
 * about peers elsewhere.
 */
export async function handleSignal(
  ctx: RealtimeContext,
  socket: LcSocket,
  payload: unknown,
): Promise<Outcome<SignalAck>> {
  const parsed = signalRequestSchema.safeParse(payload);
  if (!parsed.success) return { reply: failure('bad_request', describeIssues(parsed.error)) };
  const roomId = currentRoom(socket);
  if (roomId === null) return { reply: failure('not_in_room', 'join a room first') };
  const { to, data } = parsed.data;
  const members = await ctx.io.in(roomKey(roomId)).fetchSockets();
  const target = members.find(
    (s) => s.data.peerId === to && s.data.roomId === roomId && s.id !== socket.id,
  );
  if (!target) return { reply: failure('peer_not_found', 'no such peer in this room') };
  target.emit('signal', { from: socket.data.peerId, data });
  return { reply: { ok: true } };
}
