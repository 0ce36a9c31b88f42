import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../security/limits';

/**
 * Sign-in and PIN budgets counted in Redis, so guesses spread over several nodes spend one
 * budget. When Redis is unreachable an attempt fails rather than going uncounted.
 */
export function redisLimiters(redis: Redis): LimiterFactory {
  return (options) =>
    new RateLimiterRedis({
      ...options,
      keyPrefix: `lc:rl:${options.keyPrefix}`,
      storeClient: redis,
      rejectIfRedisNotReady: true,
    });
}
