import { NodeSlots } from '../src/queue/node-slots.js';
import type { JobProcessor } from './processor.js';
import { type Job, UnrecoverableError } from 'bullmq';
import type { MedicConfig } from '../src/config.js';
import { runCheck, type CheckResult } from '../src/checks/run.js';
import { jobSpecs, resultsReply } from '../src/checks/runner.js';
import type { ProblemCard } from '../src/knowledge/card.js';
import { CheckJobSchema, parseJob } from '../src/queue/jobs.js';
import type { Outbox } from '../src/queue/outbox.js';
import type { RecordStore } from '../src/store/records.js';

/**
 * The `checks` processor: parse the job, resolve the node from this worker's medic.yaml, run
 * its checks (at most `perNode` at once against the node, across all workers), keep the
 * history, and post a table to the thread that asked.
 */
export function checksProcessor(deps: { cfg: MedicConfig; store: RecordStore; outbox: Outbox; slots: NodeSlots; cards: Map<string, ProblemCard> }) {
  return async (job: Job): Promise<CheckResult[]> => {
    const data = parseJob('checks', CheckJobSchema, job.data);
    const node = deps.cfg.nodes.find((n) => n.name === data.node);
    // Only registered nodes: a job naming anything else can never succeed, so it is not retried.
    if (!node) throw new UnrecoverableError(`no registered node "${data.node}"`);
    const specs = jobSpecs(deps.cfg, node, data, (id) => deps.cards.get(id));
    // A job's own timeout: every check has one, and waiting for a node slot is bounded too.
    const budget = specs.reduce((sum, s) => sum + s.timeoutMs, 0) + 5000;
    let timer: NodeJS.Timeout | undefined;
    const results = await Promise.race([
      Promise.all(specs.map((spec) => deps.slots.run(node.name, spec.timeoutMs + 1000, () => runCheck(node, spec)))),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`checks job for ${node.name} timed out after ${budget} ms`)), budget))),
    ]).finally(() => clearTimeout(timer));
    await deps.store.addCheckResults(results);
    if (data.replyTo) await deps.outbox.put({ target: data.replyTo, reply: resultsReply(node.name, results) });
    return results;
  };
}

export const checks: JobProcessor = {
  concurrency: (cfg) => cfg.queues.checks.concurrency,
  create: (d) => checksProcessor({ cfg: d.cfg, store: d.store, outbox: d.outbox, slots: new NodeSlots(d.redis, d.cfg.redisPrefix, d.cfg.queues.checks.perNode), cards: d.cards }),
};
