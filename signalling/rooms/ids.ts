import { randomInt } from 'node:crypto';
import { ROOM_ID_ALPHABET, ROOM_ID_GROUPS } from '../../shared/ids';

export function generateRoomId(): string {
  return ROOM_ID_GROUPS.map((n) =>
    Array.from({ length: n }, () => ROOM_ID_ALPHABET[randomInt(ROOM_ID_ALPHABET.length)]).join(''),
  ).join('-');
}

export function generatePin(): string {
  return randomInt(1_000_000).toString().padStart(6, '0');
}
