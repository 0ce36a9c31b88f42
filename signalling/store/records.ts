import { z } from 'zod';

/** The stored records' shapes, checked when a store reads them back (a file or Redis). */
export const userRecordSchema = z.object({
  id: z.string(),
  username: z.string(),
  passwordHash: z.string(),
  createdAt: z.string(),
});

export const sessionRecordSchema = z.object({
  tokenHash: z.string(),
  userId: z.string(),
  expiresAt: z.number(),
});

export const roomRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  hostId: z.string(),
  createdAt: z.string(),
  state: z.enum(['open', 'closed']),
  pinHmac: z.string(),
  pinSealed: z.string(),
  hostAwaySince: z.optional(z.number()),
  closedAt: z.optional(z.number()),
});
