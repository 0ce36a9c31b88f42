import { z } from 'zod/mini';

/** Lowercase letters without look-alikes (no i, l, o): 23 symbols, 10 of them give about 45 bits. */
export const ROOM_ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz';
export const ROOM_ID_GROUPS = [3, 4, 3] as const;
export const ROOM_ID_PATTERN =
  /^[abcdefghjkmnpqrstuvwxyz]{3}-[abcdefghjkmnpqrstuvwxyz]{4}-[abcdefghjkmnpqrstuvwxyz]{3}$/;
export const PIN_PATTERN = /^[0-9]{6}$/;
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;

export const roomIdSchema = z
  .string()
  .check(z.regex(ROOM_ID_PATTERN, 'a room ID looks like abc-defg-hjk'));
export const pinSchema = z.string().check(z.regex(PIN_PATTERN, 'a PIN is 6 digits'));
export const usernameSchema = z
  .string()
  .check(z.regex(USERNAME_PATTERN, 'a username is 3–32 letters, digits, _ . or -'));

const utf8 = new TextEncoder();
/** bcrypt reads at most 72 bytes, so longer passwords are refused rather than silently cut. */
export const passwordSchema = z.string().check(
  z.refine((p: string) => {
    const n = utf8.encode(p).length;
    return n >= 8 && n <= 72;
  }, 'a password is 8–72 bytes'),
);

/** Accepts what a person might paste ("ABC DEFG HJK", "abcdefghjk") and returns the canonical form. */
export function normalizeRoomId(input: string): string {
  const letters = input.toLowerCase().replace(/[^a-z]/g, '');
  if (letters.length !== 10) return input.trim().toLowerCase();
  return `${letters.slice(0, 3)}-${letters.slice(3, 7)}-${letters.slice(7)}`;
}
