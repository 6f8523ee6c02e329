import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export interface TestRedis {
  url: string;
  /** A key prefix no other test run uses, so a shared REDIS_URL is never flushed or polluted. */
  prefix: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    r.on('error', () => {});
    try {
      await r.connect();
      await r.ping();
      r.disconnect();
      return;
    } catch {
      r.disconnect();
      if (Date.now() > until) throw new Error(`redis at ${url} did not start`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}

/** A private redis-server on a free port, or `REDIS_URL` when the environment sets one. */
export async function startRedis(): Promise<TestRedis> {
  const prefix = `medic-test-${process.pid}-${Date.now()}:`;
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, prefix, stop: async () => {} };
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(url);
  return {
    url,
    prefix,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A redis-sentinel process watching the Redis at `redisUrl` as master `name`. */
export async function startSentinel(redisUrl: string, dir: string, name = 'medicmaster'): Promise<{ port: number; stop(): Promise<void> }> {
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const port = await freePort();
  const master = new URL(redisUrl);
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, `port ${port}\nbind 127.0.0.1\nsentinel monitor ${name} ${master.hostname} ${master.port} 1\nsentinel down-after-milliseconds ${name} 5000\n`);
  const child = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  await waitForPing(`redis://127.0.0.1:${port}`);
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
