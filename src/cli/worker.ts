import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { type WorkQueue, WORKER_QUEUES } from '../queue/names.js';
import type { StartWorkers } from '../queue/worker-pool.js';
import { UsageError } from './input.js';

/** `workers` loads the processors when the verb runs (the entry point supplies it). */
export function register(program: Command, workers: () => Promise<StartWorkers>): void {
  program
    .command('worker')
    .description('run the job processors (BullMQ) for the given queues; needs Redis')
    .addHelpText('after', '\nExamples:\n  $ REDIS_URL=redis://127.0.0.1:6379 medic worker --queues checks,bundles')
    .option('--queues <names>', 'comma-separated queues', WORKER_QUEUES.join(','))
    .action(async (o: { queues: string }) => {
      const [{ resolveRedis }, { RedisRecordStore }, { createLogger }, startWorkers, { closeOwnConnections }] = await Promise.all([
        import('../store/redis.js'),
        import('../store/redis-store.js'),
        import('../log.js'),
        workers(),
        import('../queue/outbox.js'),
      ]);
      const cfg = loadConfig();
      const queues = o.queues.split(',').map((q) => q.trim()).filter(Boolean);
      const unknown = queues.filter((q) => !WORKER_QUEUES.includes(q as WorkQueue));
      if (unknown.length) throw new UsageError(`no worker for ${unknown.join(', ')}; available: ${WORKER_QUEUES.join(', ')}`);
      const redis = await resolveRedis(cfg.redisUrl, cfg.redisTopology);
      if (!redis) throw new UsageError('medic worker needs Redis: set REDIS_URL (or run one on 127.0.0.1:6379)');
      const store = new RedisRecordStore(redis, cfg.redisPrefix);
      const log = createLogger();
      let stopNow: () => void = () => {};
      const stopped = new Promise<void>((resolve) => (stopNow = resolve));
      process.once('SIGTERM', () => stopNow());
      process.once('SIGINT', () => stopNow());
      const w = startWorkers({ cfg, redis, store, log, queues: queues as WorkQueue[] });
      await Promise.all(w.workers.map((x) => x.waitUntilReady()));
      process.stderr.write(`medic: worker consuming ${queues.join(', ')}\n`);
      await stopped;
      process.stderr.write('medic: worker finishing current jobs\n');
      await w.close();
      await store.close();
      await closeOwnConnections();
      process.stderr.write('medic: worker stopped\n');
    });
}
