import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A Redis connection: one server (or Sentinel-managed), or a Cluster. */
export type RedisClient = Redis | Cluster;

/** Redis Cluster seed nodes, from medic.yaml (`redis.cluster`). */
export interface ClusterSettings {
  cluster: Array<{ host: string; port: number }>;
}

/** Redis through Sentinel, from medic.yaml (`redis.sentinels`, `redis.name`). */
export interface SentinelSettings {
  sentinels: Array<{ host: string; port: number }>;
  name: string;
  db?: number;
}

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/** Connects and waits until Redis answers PING, or fails within `timeoutMs`. */
export async function connectRedis(target: string | SentinelSettings | ClusterSettings, timeoutMs = 3000): Promise<RedisClient> {
  const base: RedisOptions = { lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: timeoutMs, retryStrategy: () => null };
  const password = process.env.REDIS_PASSWORD ? { password: process.env.REDIS_PASSWORD } : {};
  const redis: RedisClient =
    typeof target === 'string'
      ? new Redis(target, base)
      : 'cluster' in target
        ? new Cluster(target.cluster, { lazyConnect: true, redisOptions: { maxRetriesPerRequest: null, connectTimeout: timeoutMs, ...password } })
        : new Redis({ ...base, sentinels: target.sentinels, name: target.name, ...(target.db !== undefined ? { db: target.db } : {}), ...password });
  const url =
    typeof target === 'string'
      ? target
      : 'cluster' in target
        ? `cluster ${target.cluster.map((s) => `${s.host}:${s.port}`).join(',')}`
        : `sentinel ${target.name} via ${target.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
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
  if (redis instanceof Redis) redis.options.retryStrategy = (times: number) => Math.min(times * 200, 5000);
  return redis;
}

/**
 * The Redis to use: `REDIS_URL` when set (`off` forces the embedded defaults), otherwise
 * whatever answers on 127.0.0.1:6379, otherwise none.
 */
export async function resolveRedis(redisUrl: string | null, settings?: SentinelSettings | ClusterSettings | null): Promise<RedisClient | null> {
  if (redisUrl === 'off') return null;
  if (settings) return connectRedis(settings);
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
