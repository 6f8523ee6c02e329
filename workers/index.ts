import { FlowProducer, type Job, Worker } from 'bullmq';
import { bullPrefix, type WorkQueue } from '../src/queue/names.js';
import { Outbox, ownConnection } from '../src/queue/outbox.js';
import { NodeSlots } from '../src/queue/node-slots.js';
import { parseJob } from '../src/queue/jobs.js';
import { PROCESSORS } from '../src/jobs/index.js';
import type { JobContext, JobDeps, RunningProcessor } from '../src/jobs/job.js';
import { TriageEngine } from '../src/triage/engine.js';
import { llmFor } from '../src/llm/client.js';
import type { StartWorkers } from '../src/queue/worker-pool.js';
import { parseSource, readSources } from '../src/knowledge/index-store.js';

export { WORKER_QUEUES } from '../src/queue/names.js';

/**
 * `medic worker`: a BullMQ Worker per queue over the same processors that run in process
 * without Redis. Here a job's answers go through the outbox (workers hold no chat token).
 */
export const startWorkers: StartWorkers = (deps) => {
  const outbox = new Outbox(deps.redis, deps.cfg.redisPrefix);
  // The guides and runbooks, for jobs that run a card's suggested checks (parsing them takes milliseconds).
  const cards = new Map(readSources(deps.cfg).flatMap(parseSource).map((c) => [c.id, c]));
  const common = {
    connection: ownConnection(deps.redis),
    prefix: bullPrefix(deps.cfg.redisPrefix),
    lockDuration: deps.cfg.queues.lockMs,
    stalledInterval: Math.max(500, Math.floor(deps.cfg.queues.lockMs / 2)),
    maxStalledCount: 2,
  };
  // The engine for bundles loads on the first bundle (without the dense model: bundles match on error lines).
  let engine: Promise<TriageEngine> | null = null;
  let flows: FlowProducer | null = null;
  const jobDeps: JobDeps = {
    cfg: deps.cfg,
    store: deps.store,
    log: deps.log,
    engine: () => (engine ??= TriageEngine.open(deps.cfg, { dense: false, onNotice: (m) => deps.log.info(m) })),
    llm: llmFor(deps.cfg),
    card: (id) => cards.get(id),
    slots: new NodeSlots(deps.redis, deps.cfg.redisPrefix, deps.cfg.queues.checks.perNode),
    flows: () => (flows ??= new FlowProducer({ connection: ownConnection(deps.redis), prefix: bullPrefix(deps.cfg.redisPrefix) })),
  };
  const contextOf = (job: Job, queue: WorkQueue): JobContext => {
    // A job run again (its worker died, or it failed and retries) posts the same replies in the
    // same order: the n-th gets the same outbox key each time, so it is posted once.
    let posts = 0;
    return {
      name: job.name,
      inline: false,
      lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
      childValues: async () => Object.values(await job.getChildrenValues()),
      async deliver(d) {
        if (!d.target) return;
        const key = d.edit ? undefined : `${queue}-${String(job.id).replace(/:/g, "_")}-${posts++}`;
        await outbox.put({ target: d.target, reply: d.reply, ...(d.edit ? { edit: d.edit } : {}), ...(d.answerId ? { answerId: d.answerId } : {}) }, key);
      },
    };
  };
  const workers = deps.queues.map((q: WorkQueue) => {
    const p = PROCESSORS[q];
    const processor = p.create(jobDeps) as RunningProcessor<never>;
    // A job whose data does not fit its schema fails for good: retrying cannot fix it.
    return new Worker(q, (job) => processor.run(parseJob(q, p.schema, job.data) as never, contextOf(job, q)), { ...common, concurrency: p.concurrency(deps.cfg), ...(p.lockMs ? { lockDuration: p.lockMs(deps.cfg) } : {}) });
  });
  for (const w of workers) {
    w.on('failed', (job, err) => deps.log.warn({ queue: w.name, job: job?.id, attempts: job?.attemptsMade, err }, 'job failed'));
    w.on('error', (err) => deps.log.error({ queue: w.name, err }, 'worker error'));
  }
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await flows?.close();
      await outbox.close();
    },
  };
};
