import { Worker } from 'bullmq';
import { bullPrefix } from '../src/queue/names.js';
import { Outbox, ownConnection } from '../src/queue/outbox.js';
import type { QueueName } from '../src/queue/names.js';
import { bundles } from './bundles.js';
import { checks } from './checks.js';
import { digest } from './digest.js';
import { escalations } from './escalations.js';
import type { JobProcessor, WorkerDeps } from './processor.js';
import { TriageEngine } from '../src/triage/engine.js';
import { llmFor } from '../src/llm/client.js';
import type { StartWorkers } from '../src/queue/worker-pool.js';
import { readGuides } from '../src/knowledge/index-store.js';
import { parseGuide } from '../src/knowledge/guide-parser.js';

export { WORKER_QUEUES } from '../src/queue/names.js';

/** Every queue's processor: what `medic worker --queues` can run. */
const PROCESSORS: Record<Exclude<QueueName, 'outbox'>, JobProcessor> = { checks, bundles, digest, escalations };

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
  const shared: WorkerDeps = {
    ...deps,
    outbox,
    cards,
    engine: () => (engine ??= TriageEngine.open(deps.cfg, { dense: false, onNotice: (m) => deps.log.info(m) })),
    llm: llmFor(deps.cfg),
  };
  for (const q of deps.queues) {
    if (q === 'outbox') throw new Error('the outbox belongs to the bot: no worker consumes it');
    const p = PROCESSORS[q];
    const processor = p.create(shared);
    if (processor.close) closers.push(processor.close);
    workers.push(new Worker(q, processor, { ...common, concurrency: p.concurrency(deps.cfg), ...(p.lockMs ? { lockDuration: p.lockMs(deps.cfg) } : {}) }));
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
