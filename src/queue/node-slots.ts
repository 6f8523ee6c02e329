import type { RedisClient } from '../store/redis.js';

/** Atomically: drop expired holders, and take a slot if fewer than ARGV[1] are held. */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0`;

/**
 * A counting semaphore per node in Redis: at most `perNode` checks run against one node at
 * once, across every worker process. A holder that dies frees its slot when its lease ends.
 */
export class NodeSlots {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly perNode: number,
  ) {}

  async run<T>(node: string, leaseMs: number, fn: () => Promise<T>): Promise<T> {
    const key = `${this.prefix}nodeslots:${node}`;
    const holder = `${process.pid}:${Math.random().toString(36).slice(2)}`;
    for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
      const now = Date.now();
      const got = await this.redis.eval(ACQUIRE, 1, key, this.perNode, now, now + leaseMs, holder, leaseMs * 2);
      if (got === 1) break;
      await new Promise((r) => setTimeout(r, wait));
    }
    try {
      return await fn();
    } finally {
      await this.redis.zrem(key, holder);
    }
  }
}
