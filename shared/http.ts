import { z } from 'zod/mini';
import { passwordSchema, pinSchema, roomIdSchema, usernameSchema } from './ids';

export const credentialsSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
});
export type Credentials = z.infer<typeof credentialsSchema>;

export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
});
export type User = z.infer<typeof userSchema>;

export const userReplySchema = z.object({ user: userSchema });
export type UserReply = z.infer<typeof userReplySchema>;

export const ROOM_NAME_MAX = 80;
export const createRoomSchema = z.object({
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(ROOM_NAME_MAX))),
});
export type CreateRoom = z.infer<typeof createRoomSchema>;

export const roomSchema = z.object({
  id: roomIdSchema,
  name: z.string(),
  pin: pinSchema,
  hostId: z.string(),
  createdAt: z.string(),
});
export type Room = z.infer<typeof roomSchema>;

export const roomReplySchema = z.object({ room: roomSchema });
export type RoomReply = z.infer<typeof roomReplySchema>;
export const roomListReplySchema = z.object({ rooms: z.array(roomSchema) });
export type RoomListReply = z.infer<typeof roomListReplySchema>;

export const iceServerSchema = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.optional(z.string()),
  credential: z.optional(z.string()),
});
export type IceServer = z.infer<typeof iceServerSchema>;
export const iceReplySchema = z.object({ iceServers: z.array(iceServerSchema) });
export type IceReply = z.infer<typeof iceReplySchema>;

export const healthReplySchema = z.object({ ok: z.literal(true) });
export type HealthReply = z.infer<typeof healthReplySchema>;
