import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MedicConfig } from '../src/config.js';
import { runNode, type CheckResult } from '../src/checks/run.js';
import { jobSpecs, resultsReply } from '../src/checks/runner.js';
import type { ProblemCard } from '../src/knowledge/card.js';
import { CheckJobSchema } from '../src/queue/jobs.js';
import type { Outbox } from '../src/queue/outbox.js';
import type { RecordStore } from '../src/store/records.js';

/**
 * The `checks` processor: parse the job, resolve the node from this worker's medic.yaml, run
 * its checks (at most `perNode` at once, one job per node at a time across all workers),
 * keep the history, and post a table to the thread that asked.
 */
export function checksProcessor(deps: { cfg: MedicConfig; redis: Redis; store: RecordStore; outbox: Outbox; perNode: number; cards: Map<string, ProblemCard> }) {
  return async (job: Job, token?: string): Promise<CheckResult[]> => {
    const parsed = CheckJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid checks job: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const data = parsed.data;
    const node = deps.cfg.nodes.find((n) => n.name === data.node);
    // Only registered nodes: a job naming anything else can never succeed, so it is not retried.
    if (!node) throw new UnrecoverableError(`no registered node "${data.node}"`);
    const specs = jobSpecs(deps.cfg, node, data, (id) => deps.cards.get(id));
    const lock = `${deps.cfg.redisPrefix}nodelock:${node.name}`;
    const longest = Math.max(1000, ...specs.map((s) => s.timeoutMs));
    const got = await deps.redis.set(lock, job.id ?? 'job', 'PX', longest * (specs.length + 1), 'NX');
    if (got !== 'OK') {
      await job.moveToDelayed(Date.now() + 250, token);
      throw new DelayedError();
    }
    try {
      const results = await runNode(node, specs, deps.perNode);
      await deps.store.addCheckResults(results);
      if (data.replyTo) await deps.outbox.put({ target: data.replyTo, reply: resultsReply(node.name, results) });
      return results;
    } finally {
      await deps.redis.del(lock);
    }
  };
}
