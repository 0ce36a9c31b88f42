import { Redis } from 'ioredis';
import type { Logger } from '../log';

/**
 * A connected client. Connecting eagerly makes a wrong REDIS_URL stop the start with a clear
 * error; afterwards a command fails after a couple of retries instead of queueing for long,
 * and connection errors are logged (ioredis reconnects by itself).
 */
export async function connectRedis(url: string, name: string, log: Logger): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectionName: name,
    maxRetriesPerRequest: 2,
  });
  client.on('error', (err: Error) => log.warn({ err: err.message, client: name }, 'redis error'));
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new Error(`cannot reach Redis at REDIS_URL: ${err instanceof Error ? err.message : err}`);
  }
  return client;
}
