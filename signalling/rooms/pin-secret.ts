import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const PIN_SECRET_FILE = 'pin-secret';
const SECRET_BYTES = 32;

/** Reads DATA_DIR/pin-secret, creating it (mode 0600) on first start. Kept out of the database. */
export async function loadPinSecret(dataDir: string): Promise<Buffer> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, PIN_SECRET_FILE);
  try {
    const handle = await open(file, 'wx', 0o600);
    try {
      const secret = randomBytes(SECRET_BYTES);
      await handle.writeFile(secret.toString('hex'));
      return secret;
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw err;
  }
  const hex = (await readFile(file, 'utf8')).trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file} is not a 64-digit hex secret`);
  return Buffer.from(hex, 'hex');
}

export interface SealedPin {
  pinHmac: string;
  pinSealed: string;
}

/**
 * A PIN is kept twice under keys derived from the secret file: an HMAC to check joins in
 * constant time, and an AES-256-GCM box because the host must be able to read the PIN back
 * in its room list. Both are bound to the room ID, so a copied value fits no other room.
 */
export class PinVault {
  readonly #hmacKey: Buffer;
  readonly #encKey: Buffer;

  constructor(secret: Buffer) {
    this.#hmacKey = Buffer.from(hkdfSync('sha256', secret, '', 'liveconnect pin hmac', 32));
    this.#encKey = Buffer.from(hkdfSync('sha256', secret, '', 'liveconnect pin seal', 32));
  }

  #mac(roomId: string, pin: string): Buffer {
    return createHmac('sha256', this.#hmacKey).update(`${roomId}\n${pin}`).digest();
  }

  seal(roomId: string, pin: string): SealedPin {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#encKey, iv);
    cipher.setAAD(Buffer.from(roomId));
    const body = Buffer.concat([cipher.update(pin, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    return { pinHmac: this.#mac(roomId, pin).toString('hex'), pinSealed: sealed };
  }

  verify(roomId: string, pin: string, pinHmac: string): boolean {
    const expected = Buffer.from(pinHmac, 'hex');
    const actual = this.#mac(roomId, pin);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  open(roomId: string, pinSealed: string): string {
    const raw = Buffer.from(pinSealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.#encKey, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(roomId));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}
