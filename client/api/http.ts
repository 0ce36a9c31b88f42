import type { z } from 'zod/mini';
import { type ErrorCode, errorEnvelopeSchema } from '../../shared/errors';
import {
  type Credentials,
  type IceServer,
  iceReplySchema,
  type Room,
  roomListReplySchema,
  roomReplySchema,
  type User,
  userReplySchema,
} from '../../shared/http';

/** A failed request: `status` 0 means the server could not be reached. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network' | 'bad_reply',
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  get unauthorized(): boolean {
    return this.status === 401;
  }
}

async function request<T>(
  method: string,
  path: string,
  reply: z.ZodMiniType<T> | null,
  body?: unknown,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new HttpError(0, 'network', 'The server cannot be reached. Check your connection.');
  }
  const data: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const envelope = errorEnvelopeSchema.safeParse(data);
    if (envelope.success) {
      throw new HttpError(res.status, envelope.data.error.code, envelope.data.error.message);
    }
    throw new HttpError(res.status, 'bad_reply', `The server answered ${res.status}.`);
  }
  if (reply === null) return undefined as T;
  const parsed = reply.safeParse(data);
  if (!parsed.success) throw new HttpError(res.status, 'bad_reply', 'Unexpected server reply.');
  return parsed.data;
}

export const api = {
  me: async (): Promise<User> => (await request('GET', '/api/auth/me', userReplySchema)).user,
  login: async (c: Credentials): Promise<User> =>
    (await request('POST', '/api/auth/login', userReplySchema, c)).user,
  register: async (c: Credentials): Promise<User> =>
    (await request('POST', '/api/auth/register', userReplySchema, c)).user,
  logout: (): Promise<void> => request('POST', '/api/auth/logout', null),
  createRoom: async (name?: string): Promise<Room> =>
    (await request('POST', '/api/rooms', roomReplySchema, name ? { name } : {})).room,
  myRooms: async (): Promise<Room[]> =>
    (await request('GET', '/api/rooms', roomListReplySchema)).rooms,
  closeRoom: (id: string): Promise<void> =>
    request('DELETE', `/api/rooms/${encodeURIComponent(id)}`, null),
  rotatePin: async (id: string): Promise<Room> =>
    (await request('POST', `/api/rooms/${encodeURIComponent(id)}/pin`, roomReplySchema)).room,
  iceServers: async (): Promise<IceServer[]> =>
    (await request('GET', '/api/ice', iceReplySchema)).iceServers,
};
