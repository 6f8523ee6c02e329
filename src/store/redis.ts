import { Redis } from 'ioredis';

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/** Connects and waits until Redis answers PING, or fails within `timeoutMs`. */
export async function connectRedis(url: string, timeoutMs = 3000): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: timeoutMs, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), timeoutMs)),
    ]);
  } catch (err) {
    redis.disconnect();
    throw new RedisUnavailableError(`Redis at ${redactUrl(url)} does not answer: ${(err as Error).message}`);
  }
  // From here on, reconnect forever: a Redis restart must not stop the bot.
  redis.options.retryStrategy = (times: number) => Math.min(times * 200, 5000);
  return redis;
}

/**
 * The Redis to use: `REDIS_URL` when set (`off` forces the embedded defaults), otherwise
 * whatever answers on 127.0.0.1:6379, otherwise none.
 */
export async function resolveRedis(redisUrl: string | null): Promise<Redis | null> {
  if (redisUrl === 'off') return null;
  if (redisUrl) return connectRedis(redisUrl);
  try {
    return await connectRedis('redis://127.0.0.1:6379', 300);
  } catch {
    return null;
  }
}

/** A Redis URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]*)@/, '//$1:***@');
}
