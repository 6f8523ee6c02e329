import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { RedisRecordStore } from '../src/store/redis-store.js';
import { startRedis } from '../test/redis.js';
import { tempDir } from '../test/helpers.js';
import { startWorkers } from '../workers/index.js';
import { pct } from './percentile.js';

const JOBS = 1000;
const NODES = 50;

async function drain(queue: Queue, events: QueueEvents, add: () => Promise<void>): Promise<{ totalMs: number; latencies: number[] }> {
  const done = new Promise<void>((resolve) => {
    let n = 0;
    events.on('completed', () => {
      if (++n === JOBS) resolve();
    });
  });
  const started = performance.now();
  await add();
  await done;
  const totalMs = performance.now() - started;
  const jobs = (await queue.getJobs(['completed'], 0, JOBS)) as Job[];
  return { totalMs, latencies: jobs.map((j) => (j.finishedOn ?? 0) - j.timestamp) };
}

/** 1,000 http and tcp checks through BullMQ with the default worker settings, next to a bare BullMQ round trip. */
export async function benchChecks(): Promise<Record<string, unknown>> {
  const redis = await startRedis();
  const web = createServer((_req, res) => res.writeHead(200).end('ok'));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  const tcp = createNetServer((s) => s.end());
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  const httpPort = (web.address() as AddressInfo).port;
  const tcpPort = (tcp.address() as AddressInfo).port;
  const dir = tempDir('medic-bench-');
  const nodes = Array.from({ length: NODES }, (_, i) => `  - name: n${i}\n    system: lloom\n    host: 127.0.0.1\n    checks:\n      - { name: web, kind: http, url: "http://{host}:${httpPort}/health" }\n      - { name: port, kind: tcp, port: ${tcpPort} }\n`).join('');
  writeFileSync(join(dir, 'medic.yaml'), `nodes:\n${nodes}`);
  const cfg = loadConfig({ ...process.env, MEDIC_CONFIG: join(dir, 'medic.yaml'), REDIS_URL: redis.url, MEDIC_REDIS_PREFIX: redis.prefix, MEDIC_DATA_DIR: dir });
  const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
  const connection = { url: redis.url };
  const prefix = `${redis.prefix}bull`;

  // Bare BullMQ: the same number of jobs through a no-op processor.
  const bareQueue = new Queue('bare', { connection, prefix });
  const bareEvents = new QueueEvents('bare', { connection, prefix });
  await bareEvents.waitUntilReady();
  const bareWorker = new Worker('bare', async () => 'ok', { connection, prefix, concurrency: cfg.queues.checks.concurrency });
  const bare = await drain(bareQueue, bareEvents, async () => {
    await bareQueue.addBulk(Array.from({ length: JOBS }, (_, i) => ({ name: 'noop', data: { i } })));
  });
  await bareWorker.close();

  const store = new RedisRecordStore(conn, cfg.redisPrefix);
  const workers = startWorkers({ cfg, redis: conn, store, log: createLogger('warn'), queues: ['checks'] });
  const queue = new Queue('checks', { connection, prefix });
  const events = new QueueEvents('checks', { connection, prefix });
  await events.waitUntilReady();
  const medic = await drain(queue, events, async () => {
    await queue.addBulk(Array.from({ length: JOBS }, (_, i) => ({ name: 'run', data: { node: `n${i % NODES}`, checks: [i % 2 ? 'web' : 'port'] } })));
  });

  await workers.close();
  await Promise.all([queue.close(), events.close(), bareQueue.close(), bareEvents.close()]);
  conn.disconnect();
  web.close();
  tcp.close();
  await redis.stop();
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    checks: JOBS,
    nodes: NODES,
    workerConcurrency: cfg.queues.checks.concurrency,
    perNode: cfg.queues.checks.perNode,
    totalMs: round(medic.totalMs),
    checksPerSecond: round((JOBS / medic.totalMs) * 1000),
    p50Ms: pct(medic.latencies, 50),
    p99Ms: pct(medic.latencies, 99),
    bareBullmq: { totalMs: round(bare.totalMs), jobsPerSecond: round((JOBS / bare.totalMs) * 1000), p50Ms: pct(bare.latencies, 50), p99Ms: pct(bare.latencies, 99) },
    overheadPerJobMs: round((medic.totalMs - bare.totalMs) / JOBS),
    targetTotalMs: 5000,
  };
}
