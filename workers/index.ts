import { Worker } from 'bullmq';
import { bullPrefix, QUEUES } from '../src/queue/names.js';
import { Outbox, ownConnection } from '../src/queue/outbox.js';
import { checksProcessor } from './checks.js';
import { bundlesProcessor } from './bundles.js';
import { escalationsProcessor } from './escalations.js';
import { digestProcessor } from './digest.js';
import { TriageEngine } from '../src/triage/engine.js';
import { llmFor } from '../src/llm/client.js';
import { NodeSlots } from '../src/queue/node-slots.js';
import type { StartWorkers } from '../src/queue/worker-pool.js';
import { readGuides } from '../src/knowledge/index-store.js';
import { parseGuide } from '../src/knowledge/guide-parser.js';

export { WORKER_QUEUES } from '../src/queue/names.js';

export const startWorkers: StartWorkers = (deps) => {
  const outbox = new Outbox(deps.redis, deps.cfg.redisPrefix);
  // The guides, for jobs that run a card's suggested checks (parsing all five takes milliseconds).
  const cards = new Map(readGuides(deps.cfg.knowledgeDir).flatMap((g) => parseGuide(g.guide, g.text)).map((c) => [c.id, c]));
  const common = {
    connection: ownConnection(deps.redis),
    prefix: bullPrefix(deps.cfg.redisPrefix),
    lockDuration: deps.cfg.queues.lockMs,
    stalledInterval: Math.max(500, Math.floor(deps.cfg.queues.lockMs / 2)),
    maxStalledCount: 2,
  };
  const workers: Worker[] = [];
  const closers: Array<() => Promise<unknown>> = [];
  // The engine for bundles loads on the first bundle (without the dense model: bundles match on error lines).
  let engine: Promise<TriageEngine> | null = null;
  const llm = llmFor(deps.cfg);
  const openEngine = () => (engine ??= TriageEngine.open(deps.cfg, { dense: false, onNotice: (m) => deps.log.info(m) }));
  for (const q of deps.queues) {
    if (q === QUEUES.checks) {
      const perNode = deps.cfg.queues.checks.perNode;
      workers.push(new Worker(q, checksProcessor({ cfg: deps.cfg, store: deps.store, outbox, slots: new NodeSlots(deps.redis, deps.cfg.redisPrefix, perNode), cards }), { ...common, concurrency: deps.cfg.queues.checks.concurrency }));
    } else if (q === QUEUES.bundles) {
      // A bundle is heavy (CPU and temp disk): a few at a time, with a lock long enough for a large one.
      workers.push(new Worker(q, bundlesProcessor({ cfg: deps.cfg, outbox, store: deps.store, engine: openEngine, llm, log: deps.log }), { ...common, concurrency: deps.cfg.queues.bundles.concurrency, lockDuration: Math.max(deps.cfg.queues.lockMs, 60_000) }));
    } else if (q === QUEUES.digest) {
      const processor = digestProcessor({ cfg: deps.cfg, redis: deps.redis, store: deps.store, outbox, engine: openEngine, llm });
      closers.push(processor.close);
      workers.push(new Worker(q, processor, { ...common, concurrency: 1 }));
    } else if (q === QUEUES.escalations) {
      workers.push(new Worker(q, escalationsProcessor({ cfg: deps.cfg, store: deps.store, outbox, llm }), { ...common, concurrency: 4 }));
    } else throw new Error(`no worker for the ${q} queue in this version`);
  }
  for (const w of workers) {
    w.on('failed', (job, err) => deps.log.warn({ queue: w.name, job: job?.id, attempts: job?.attemptsMade, err }, 'job failed'));
    w.on('error', (err) => deps.log.error({ queue: w.name, err }, 'worker error'));
  }
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(closers.map((c) => c()));
      await outbox.close();
    },
  };
};
