import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { en } from 'zod/locales';
import type { z as mini } from 'zod/mini';
import type { ErrorCode, ErrorEnvelope } from '../../shared/errors';
import type { Logger } from '../log';

/** Thrown by route handlers; the error middleware turns it into the JSON envelope. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function sendError(res: Response, status: number, code: ErrorCode, message: string): void {
  const body: ErrorEnvelope = { error: { code, message } };
  res.status(status).json(body);
}

// zod/mini (the shared schemas) ships no messages of its own: issues would all read "Invalid input".
z.config(en());

/** Turns a zod failure into a short message naming the field, for a 400. */
export function describeIssues(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}

export function parseBody<T>(schema: mini.ZodMiniType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new HttpError(400, 'bad_request', describeIssues(parsed.error));
  return parsed.data;
}

/**
 * Errors from body-parser and the router (malformed JSON, too large, undecodable %-escapes in
 * a path) carry a 4xx `status` and, from body-parser, a `type`.
 */
const clientErrorSchema = z.object({
  status: z.number().int().min(400).max(499),
  type: z.string().optional(),
});

const CLIENT_ERROR_MESSAGES = new Map([
  ['entity.parse.failed', 'the body is not valid JSON'],
  ['entity.too.large', 'the body is too large'],
]);

export function apiNotFound(_req: Request, res: Response): void {
  sendError(res, 404, 'not_found', 'no such API route');
}

/** Last middleware: known errors become their envelope; anything else is a logged 500 without details. */
export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof HttpError) {
      res.set(err.headers);
      sendError(res, err.status, err.code, err.message);
      return;
    }
    const client = clientErrorSchema.safeParse(err);
    if (client.success) {
      const { status, type = '' } = client.data;
      const message = CLIENT_ERROR_MESSAGES.get(type) ?? 'the request cannot be read';
      sendError(res, status, 'bad_request', message);
      return;
    }
    log.error({ err, method: req.method, path: req.path }, 'unhandled error');
    sendError(res, 500, 'internal', 'something went wrong');
  };
}
