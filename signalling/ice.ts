import { createHmac } from 'node:crypto';
import type { IceServer } from '../shared/http';
import type { Config } from './config';

/**
 * STUN entries as configured; TURN entries with coturn REST credentials (use-auth-secret):
 * username `expiry:userId`, credential base64(HMAC-SHA1(secret, username)).
 */
export function iceServersFor(
  config: Pick<Config, 'stunUrls' | 'turnUrls' | 'turnSecret' | 'turnTtlSeconds'>,
  userId: string,
  nowMs: number = Date.now(),
): IceServer[] {
  const servers: IceServer[] = [];
  if (config.stunUrls.length > 0) servers.push({ urls: config.stunUrls });
  if (config.turnUrls.length > 0 && config.turnSecret !== undefined) {
    const expiry = Math.floor(nowMs / 1000) + config.turnTtlSeconds;
    const username = `${expiry}:${userId}`;
    const credential = createHmac('sha1', config.turnSecret).update(username).digest('base64');
    servers.push({ urls: config.turnUrls, username, credential });
  }
  return servers;
}
