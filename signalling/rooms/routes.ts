import { type Request, Router } from 'express';
import { createRoomSchema, type RoomListReply, type RoomReply } from '../../shared/http';
import { roomIdSchema } from '../../shared/ids';
import { withUser } from '../auth/require-user';
import type { SessionService } from '../auth/sessions';
import { HttpError, parseBody } from '../http/errors';
import type { HostAction, RoomService } from './service';

function roomIdParam(req: Request): string {
  const parsed = roomIdSchema.safeParse(req.params.id);
  if (!parsed.success) throw new HttpError(404, 'room_not_found', 'no such room');
  return parsed.data;
}

function unwrap<T>(result: HostAction<T>): T {
  if (result.ok) return result.value;
  if (result.code === 'forbidden')
    throw new HttpError(403, 'forbidden', 'only the host may do that');
  throw new HttpError(404, 'room_not_found', 'no such open room');
}

export function roomsRouter(sessions: SessionService, rooms: RoomService): Router {
  const router = Router();

  router.post(
    '/',
    withUser(sessions, async (req, res, { user }) => {
      const { name } = parseBody(createRoomSchema, req.body);
      const body: RoomReply = { room: await rooms.create(user, name) };
      res.status(201).json(body);
    }),
  );

  router.get(
    '/',
    withUser(sessions, async (_req, res, { user }) => {
      const body: RoomListReply = { rooms: await rooms.listForHost(user.id) };
      res.json(body);
    }),
  );

  router.delete(
    '/:id',
    withUser(sessions, async (req, res, { user }) => {
      unwrap(await rooms.close(user.id, roomIdParam(req)));
      res.status(204).end();
    }),
  );

  router.post(
    '/:id/pin',
    withUser(sessions, async (req, res, { user }) => {
      const body: RoomReply = { room: unwrap(await rooms.rotatePin(user.id, roomIdParam(req))) };
      res.json(body);
    }),
  );

  return router;
}
