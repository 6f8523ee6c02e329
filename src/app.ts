import type { RedisClient } from './store/redis.js';
import type { Logger } from 'pino';
import type { MedicConfig } from './config.js';
import { createLogger } from './log.js';
import { FileRecordStore } from './store/file-store.js';
import type { RecordStore } from './store/records.js';
import { RedisRecordStore } from './store/redis-store.js';
import { resolveRedis } from './store/redis.js';
import { TriageEngine } from './triage/engine.js';
import { QueryVectors } from './knowledge/embedders/query-vectors.js';
import { ChatMetrics } from './chat/metrics.js';
import { Router } from './chat/router.js';
import { Producer } from './queue/producer.js';
import { BundleIntake } from './bundles/intake.js';
import { Dispatcher } from './jobs/dispatcher.js';
import type { JobDeps } from './jobs/job.js';
import { LocalSlots } from './queue/node-slots.js';
import { llmFor } from './llm/client.js';
import { join } from 'node:path';
import { AlertDesk } from './alerts/desk.js';

/** Everything a front door needs, opened once per process. */
export interface Services {
  cfg: MedicConfig;
  engine: TriageEngine;
  store: RecordStore;
  redis: RedisClient | null;
  metrics: ChatMetrics;
  log: Logger;
  router: Router;
  jobs: Dispatcher;
  /** Alert notifications into threads (the bot attaches its front doors). */
  alerts: AlertDesk;
  /** One line for startup: where records and jobs go. */
  mode: string;
  close(): Promise<void>;
}

function storeFor(cfg: MedicConfig, redis: RedisClient | null): RecordStore {
  return redis ? new RedisRecordStore(redis, cfg.redisPrefix) : new FileRecordStore(join(cfg.dataDir, 'records.json'));
}

/** Where records live, for a line on stderr. */
export function recordsWhere(cfg: MedicConfig, redis: RedisClient | null): string {
  if (!redis) return `${join(cfg.dataDir, 'records.json')}${cfg.redisUrl === 'off' ? ' (REDIS_URL=off)' : ' (no Redis found)'}`;
  return `Redis ${cfg.redisTopology ? ('cluster' in cfg.redisTopology ? 'Cluster' : `via Sentinel (${cfg.redisTopology.name})`) : `at ${cfg.redisUrl ? 'REDIS_URL' : '127.0.0.1:6379'}`}`;
}

/**
 * The record store alone (for CLI verbs): Redis when it answers, the file otherwise. It says
 * which on stderr, after `what` ("feedback from", "last status from"). A verb that has looked for
 * Redis already passes what it found, so it is not looked for twice.
 */
export async function openStore(cfg: MedicConfig, what: string, resolved?: RedisClient | null): Promise<RecordStore> {
  const redis = resolved === undefined ? await resolveRedis(cfg.redisUrl, cfg.redisTopology) : resolved;
  process.stderr.write(`medic: ${what} ${recordsWhere(cfg, redis)}\n`);
  return storeFor(cfg, redis);
}

/** What jobs need to run in this process: the per-node limit kept in memory, and no flows. */
export function inlineJobDeps(o: Pick<JobDeps, 'cfg' | 'store' | 'log' | 'engine' | 'llm' | 'card'>): JobDeps {
  return { ...o, slots: new LocalSlots(o.cfg.queues.checks.perNode), flows: null };
}

export async function openServices(cfg: MedicConfig, opts: { notice?: (m: string) => void; defaultMetrics?: boolean; inlineJobs?: boolean; threadedModel?: boolean } = {}): Promise<Services> {
  const log = createLogger();
  const notice = opts.notice ?? ((m: string) => process.stderr.write(m + '\n'));
  const redis = await resolveRedis(cfg.redisUrl, cfg.redisTopology);
  const store = storeFor(cfg, redis);
  const model = cfg.llm ? `; answers written by ${cfg.llm.model}${cfg.llm.baseURL ? ` at ${cfg.llm.baseURL}` : ''} from the guides` : '';
  const mode = redis
    ? `medic: using ${recordsWhere(cfg, redis)} ${opts.inlineJobs ? 'for records; jobs run here' : 'for records and jobs'}`
    : `medic: no Redis${cfg.redisUrl === 'off' ? ' (REDIS_URL=off)' : ' found'}; running embedded: records in ${join(cfg.dataDir, 'records.json')}, jobs run inline`;
  const modeLine = mode + model;
  // The bot keeps the sentence model off its event loop; the console and CLI ask it in line.
  const queryVectors = opts.threadedModel ? new QueryVectors(cfg.embedder, cfg.triage.denseWaitMs) : undefined;
  const engine = await TriageEngine.open(cfg, { onNotice: notice, ...(queryVectors ? { queryVectors } : {}) });
  const metrics = new ChatMetrics(opts.defaultMetrics ?? false);
  // The console receives nothing through the outbox: its jobs run in process, whatever holds the records.
  // One producer puts every kind of job on its queue.
  const producer = opts.inlineJobs || !redis ? null : new Producer(redis, cfg.redisPrefix);
  const llm = llmFor(cfg);
  const jobs = new Dispatcher(producer, inlineJobDeps({ cfg, store, log, engine: async () => engine, llm, card: (id) => engine.card(id) }));
  const bundles = new BundleIntake(cfg, async () => engine, jobs, store, log, llm);
  const alerts = new AlertDesk({ cfg, store, engine, jobs, log });
  const router = new Router({ cfg, engine, store, metrics, log, jobs, bundles, llm, alerts });
  return {
    cfg,
    engine,
    store,
    redis,
    metrics,
    log,
    router,
    jobs,
    alerts,
    mode: modeLine,
    async close() {
      await queryVectors?.close();
      await jobs.close();
      await store.close();
      log.flush();
    },
  };
}
