import { z } from 'zod';

/**
 * The stored records, defined once: the stores check what they read back (a file or Redis)
 * with these schemas, and the record types are inferred from them, so a field cannot exist in
 * the type and be dropped by the parse.
 */
export const userRecordSchema = z.object({
  id: z.string(),
  /** As the person typed it at registration. */
  username: z.string(),
  passwordHash: z.string(),
  createdAt: z.string(),
});
export type UserRecord = z.infer<typeof userRecordSchema>;

export const sessionRecordSchema = z.object({
  /** SHA-256 of the cookie token, hex; the token itself is never stored. */
  tokenHash: z.string(),
  userId: z.string(),
  /** Milliseconds since the epoch. */
  expiresAt: z.number(),
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;

export const roomRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  hostId: z.string(),
  createdAt: z.string(),
  state: z.enum(['open', 'closed']),
  /** HMAC-SHA256 of the PIN, hex; what joins are checked against. */
  pinHmac: z.string(),
  /** The PIN sealed with AES-256-GCM, so the host can read it back; base64url. */
  pinSealed: z.string(),
  /**
   * When the host's last connection left, in milliseconds since the epoch; absent while the
   * host is in the room and in rooms whose host never came. Past the grace the room closes.
   */
  hostAwaySince: z.optional(z.number()),
  /**
   * When the room was opened, while its host has never entered it, in milliseconds since the
   * epoch; removed when the host first joins. Past ROOM_UNUSED_HOURS the room closes. Absent
   * in rooms opened before it was recorded, which never close this way.
   */
  awaitingHostSince: z.optional(z.number()),
  /**
   * When the room closed, in milliseconds since the epoch; absent while open and in rooms closed
   * before it was recorded, whose retention counts from `createdAt` instead.
   */
  closedAt: z.optional(z.number()),
});
export type RoomRecord = z.infer<typeof roomRecordSchema>;
export type RoomState = RoomRecord['state'];
