import { z } from 'zod/mini';

/** Every error the server or a peer reports carries one of these codes; messages are for people. */
export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'username_taken',
  'weak_password',
  'invalid_credentials',
  'rate_limited',
  'wrong_pin',
  'room_not_found',
  'room_closed',
  'room_full',
  'removed',
  'too_many_rooms',
  'not_in_room',
  'peer_not_found',
  'internal',
] as const;

export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const apiErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** The body of every failed HTTP reply. */
export const errorEnvelopeSchema = z.object({ error: apiErrorSchema });
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
