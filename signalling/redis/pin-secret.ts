import { createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../log';

const SECRET_KEY = 'lc:pin-secret';
const FINGERPRINT_KEY = 'lc:pin-secret-fingerprint';

const fingerprint = (secret: Buffer): string =>
  createHmac('sha256', secret).update('liveconnect pin secret fingerprint').digest('hex');

/**
 * The one PIN secret of a deployment: PIN_SECRET when given, else one created once in Redis
 * (SET NX, so nodes starting together agree). A fingerprint kept in Redis stops a node whose
 * PIN_SECRET differs from the others', which would otherwise answer every PIN as wrong.
 */
export async function sharedPinSecret(
  redis: Redis,
  configured: Buffer | undefined,
  log: Logger,
): Promise<Buffer> {
  let secret = configured;
  if (secret === undefined) {
    await redis.set(SECRET_KEY, randomBytes(32).toString('hex'), 'NX');
    const hex = (await redis.get(SECRET_KEY)) ?? '';
    if (!/^[0-9a-f]{64}$/.test(hex))
      throw new Error(`Redis key ${SECRET_KEY} is not a 64-digit hex secret`);
    secret = Buffer.from(hex, 'hex');
    log.warn('PIN_SECRET is unset: the PIN key is kept in Redis beside the rooms it protects');
  }
  await redis.set(FINGERPRINT_KEY, fingerprint(secret), 'NX');
  if ((await redis.get(FINGERPRINT_KEY)) !== fingerprint(secret)) {
    throw new Error(
      'PIN_SECRET differs from the one the other nodes on this Redis use; give every node the same',
    );
  }
  return secret;
}
