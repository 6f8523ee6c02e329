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

/** A three-master Redis Cluster on free ports, made with redis-cli --cluster create. */
export async function startCluster(dir: string): Promise<{ seeds: Array<{ host: string; port: number }>; stop(): Promise<void> }> {
  const { spawnSync } = await import('node:child_process');
  const ports: number[] = [];
  while (ports.length < 3) {
    const p = await freePort();
    // The cluster bus listens on port + 10000: keep both free and distinct.
    if (p < 55000 && !ports.includes(p)) ports.push(p);
  }
  const children = ports.map((port) =>
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }),
  );
  for (const p of ports) await waitForPing(`redis://127.0.0.1:${p}`);
  const made = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`redis-cli --cluster create failed: ${made.stderr || made.stdout}`);
  for (let i = 0; i < 100; i++) {
    const ok = ports.every((p) => /cluster_state:ok/.test(spawnSync('redis-cli', ['-p', String(p), 'cluster', 'info'], { encoding: 'utf8' }).stdout));
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    seeds: ports.map((port) => ({ host: '127.0.0.1', port })),
    stop: async () => {
      await Promise.all(children.map((c) => new Promise<void>((resolve) => (c.once('exit', () => resolve()), c.kill('SIGTERM')))));
    },
  };
}

/** A redis-server with an append-only file in `dir` that can be stopped and started again on its port. */
export interface PersistentRedis extends TestRedis {
  port: number;
  pid(): number | undefined;
  /** SIGTERM (Redis writes its AOF and exits) and wait for the exit. */
  down(): Promise<void>;
  /** Start again on the same port and data; resolves when it answers PING. */
  up(): Promise<void>;
}

export async function startPersistentRedis(dir: string): Promise<PersistentRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const up = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' });
    await waitForPing(url, 10_000);
  };
  const down = () =>
    new Promise<void>((resolve) => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  await up();
  return { url, port, prefix: `medic-soak-${process.pid}:`, pid: () => child?.pid, up, down, stop: down };
}
