import type { Request, RequestHandler, Response } from 'express';
import { HttpError } from '../http/errors';
import type { ResolvedSession, SessionService } from './sessions';

/** Wraps a handler that needs a signed-in user; without a valid session it answers 401. */
export function withUser(
  sessions: SessionService,
  handler: (req: Request, res: Response, session: ResolvedSession) => Promise<void>,
): RequestHandler {
  return async (req, res) => {
    const session = await sessions.fromCookieHeader(req.headers.cookie);
    if (!session) throw new HttpError(401, 'unauthorized', 'sign in first');
    await handler(req, res, session);
  };
}
