import { type Request, type Response, Router } from 'express';
import { createRoomSchema, type RoomListReply, type RoomReply } from '../../shared/http';
import { roomIdSchema } from '../../shared/ids';
import { withUser } from '../auth/require-user';
import type { SessionService } from '../auth/sessions';
import { HttpError, parseBody } from '../http/errors';
import { type HostAction, type RoomService, TooManyRooms } from './service';

function roomIdParam(req: Request): string {
  const parsed = roomIdSchema.safeParse(req.params.id);
  if (!parsed.success) throw new HttpError(404, 'room_not_found', 'no such room');
  return parsed.data;
}

/** A room the caller does not host is as unknown as one that does not exist: 404 either way. */
function unwrap<T>(result: HostAction<T>): T {
  if (result.ok) return result.value;
  throw new HttpError(404, 'room_not_found', 'you have no open room with that ID');
}

/** Replies that carry a PIN must not be kept by a browser or proxy cache. */
function noStore(res: Response): Response {
  return res.set('Cache-Control', 'no-store');
}

export function roomsRouter(sessions: SessionService, rooms: RoomService): Router {
  const router = Router();

  router.post(
    '/',
    withUser(sessions, async (req, res, { user }) => {
      const { name } = parseBody(createRoomSchema, req.body);
      const room = await rooms.create(user, name).catch((err: unknown) => {
        if (!(err instanceof TooManyRooms)) throw err;
        throw new HttpError(
          409,
          'too_many_rooms',
          `you already have ${err.max} open rooms, the most one account may have; close one first`,
        );
      });
      const body: RoomReply = { room };
      noStore(res).status(201).json(body);
    }),
  );

  router.get(
    '/',
    withUser(sessions, async (_req, res, { user }) => {
      const body: RoomListReply = { rooms: await rooms.listForHost(user.id) };
      noStore(res).json(body);
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
      noStore(res).json(body);
    }),
  );

  return router;
}
