import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
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

/** Turns a zod failure into a short message naming the field, for a 400. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new HttpError(400, 'bad_request', describeIssues(parsed.error));
  return parsed.data;
}

/** The fields body-parser sets on its errors (malformed JSON, too large, wrong charset). */
const bodyParserErrorSchema = z.object({ status: z.number().int(), type: z.string() });

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
    const bp = bodyParserErrorSchema.safeParse(err);
    if (bp.success && bp.data.status >= 400 && bp.data.status < 500) {
      const message =
        bp.data.type === 'entity.parse.failed'
          ? 'the body is not valid JSON'
          : bp.data.type === 'entity.too.large'
            ? 'the body is too large'
            : 'the body cannot be read';
      sendError(res, bp.data.status, 'bad_request', message);
      return;
    }
    log.error({ err, method: req.method, path: req.path }, 'unhandled error');
    sendError(res, 500, 'internal', 'something went wrong');
  };
}
