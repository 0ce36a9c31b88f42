import type { Backend } from '../backend';
import type { Config } from '../config';
import type { Logger } from '../log';
import { RedisStore } from '../store/redis-store';
import type { Store } from '../store/types';
import { connectRedis } from './connect';
import { sharedPinSecret } from './pin-secret';

/** State shared by every node through one Redis (REDIS_URL). */
export async function openRedisBackend(
  url: string,
  config: Pick<Config, 'pinSecret'>,
  log: Logger,
  store?: Store,
): Promise<Backend> {
  const redis = await connectRedis(url, 'liveconnect', log);
  try {
    const pinSecret = await sharedPinSecret(redis, config.pinSecret, log);
    const shared = store ?? new RedisStore(redis);
    return {
      store: shared,
      pinSecret,
      close: async () => {
        await shared.flush();
        await redis.quit();
      },
    };
  } catch (err) {
    redis.disconnect();
    throw err;
  }
}
