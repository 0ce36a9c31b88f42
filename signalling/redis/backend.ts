import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Backend } from '../backend';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { LcServer } from '../realtime/types';
import { RedisStore } from '../store/redis-store';
import type { Store } from '../store/types';
import { connectRedis } from './connect';
import { redisLimiters } from './limiters';
import { type NodePresence, startNodePresence } from './node-presence';
import { sharedPinSecret } from './pin-secret';
import { RedisJoinLock } from './room-lock';

async function openRedisStore(redis: Redis, log: Logger): Promise<Store> {
  const store = new RedisStore(redis);
  const indexed = await store.indexUndatedClosedRooms();
  if (indexed > 0) log.info({ rooms: indexed }, 'closed rooms without a closing time indexed');
  return store;
}

/**
 * Everything several nodes must share, through one Redis (REDIS_URL): the store, the rate
 * limits, the PIN secret, a join lock per room, and socket broadcasts (the adapter, whose
 * subscriber needs a connection of its own).
 */
export async function openRedisBackend(
  url: string,
  config: Pick<Config, 'pinSecret'>,
  log: Logger,
  store?: Store,
): Promise<Backend> {
  const redis = await connectRedis(url, 'liveconnect', log);
  let sub: Awaited<ReturnType<typeof connectRedis>> | undefined;
  try {
    const pinSecret = await sharedPinSecret(redis, config.pinSecret, log);
    sub = await connectRedis(url, 'liveconnect-sub', log);
    const subscriber = sub;
    const shared = store ?? (await openRedisStore(redis, log));
    let presence: NodePresence | undefined;
    return {
      store: shared,
      pinSecret,
      limiters: redisLimiters(redis),
      joinLock: new RedisJoinLock(redis),
      attach: (io: LcServer) => {
        io.adapter(createAdapter(redis, subscriber, { key: 'lc:socket.io' }));
        presence = startNodePresence(io, redis, log);
      },
      shuttingDown: () => presence?.shuttingDown(),
      close: async () => {
        await presence?.stop();
        await shared.flush();
        await Promise.all([subscriber.quit(), redis.quit()]);
      },
    };
  } catch (err) {
    redis.disconnect();
    sub?.disconnect();
    throw err;
  }
}
