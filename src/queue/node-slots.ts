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

/** The same limit within one process (no Redis): waiters are served in order as slots free up. */
export class LocalSlots {
  private readonly held = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly perNode: number) {}

  async run<T>(node: string, _leaseMs: number, fn: () => Promise<T>): Promise<T> {
    if ((this.held.get(node) ?? 0) >= this.perNode) await new Promise<void>((r) => this.waiting.set(node, [...(this.waiting.get(node) ?? []), r]));
    else this.held.set(node, (this.held.get(node) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      // A waiter takes the slot over; otherwise it is given back.
      const next = this.waiting.get(node)?.shift();
      if (next) next();
      else this.held.set(node, this.held.get(node)! - 1);
    }
  }
}
