import type { JobProcessor } from './processor.js';
import { FlowProducer, type Job } from 'bullmq';
import { z } from 'zod';
import type { MedicConfig } from '../src/config.js';
import type { CheckResult } from '../src/checks/run.js';
import { buildDigest, digestDeps } from '../src/digest/runner.js';
import { ReplyTargetSchema } from '../src/queue/jobs.js';
import { bullPrefix, QUEUES } from '../src/queue/names.js';
import { type Outbox, ownConnection } from '../src/queue/outbox.js';
import type { RecordStore } from '../src/store/records.js';
import type { RedisClient } from '../src/store/redis.js';
import type { TriageEngine } from '../src/triage/engine.js';
import type { LlmClient } from '../src/llm/client.js';

/** A digest asked for in a thread goes there; the scheduled one goes to the targets the bot scheduled it with. */
const DigestJobSchema = z.object({ replyTo: ReplyTargetSchema.nullable().default(null), targets: z.array(ReplyTargetSchema).default([]) });
type Destination = Pick<z.infer<typeof DigestJobSchema>, 'replyTo' | 'targets'>;

/**
 * The `digest` processor. `run` (from the scheduler or /digest) starts a BullMQ flow: one
 * `checks` job per registered node as children, and `collect` as the parent, which runs once
 * every check is done and posts the digest through the outbox.
 */
export function digestProcessor(deps: { cfg: MedicConfig; redis: RedisClient; store: RecordStore; outbox: Outbox; engine: () => Promise<TriageEngine>; llm: LlmClient | null }) {
  let flows: FlowProducer | null = null;
  const collect = async (results: CheckResult[], to: Destination) => {
    const { data, reply } = await buildDigest(digestDeps(deps.cfg, deps.store, await deps.engine()), results, new Date(), deps.llm);
    const targets = to.replyTo ? [to.replyTo] : to.targets;
    for (const target of targets) await deps.outbox.put({ target, reply });
    return { allClear: data.allClear, failing: data.failing.length, posted: targets.length };
  };
  const processor = async (job: Job) => {
    const to = DigestJobSchema.parse(job.data ?? {});
    if (job.name === 'collect') {
      const values = Object.values(await job.getChildrenValues()) as CheckResult[][];
      return collect(values.flat(), to);
    }
    if (!deps.cfg.nodes.length) return collect([], to);
    flows ??= new FlowProducer({ connection: ownConnection(deps.redis), prefix: bullPrefix(deps.cfg.redisPrefix) });
    const flow = await flows.add({
      name: 'collect',
      queueName: QUEUES.digest,
      data: to,
      children: deps.cfg.nodes.map((n) => ({ name: 'run', queueName: QUEUES.checks, data: { node: n.name }, opts: { ignoreDependencyOnFailure: true } })),
    });
    return { flow: flow.job.id };
  };
  return Object.assign(processor, { close: async () => flows?.close() });
}

export const digest: JobProcessor = {
  concurrency: () => 1,
  create: (d) => digestProcessor({ cfg: d.cfg, redis: d.redis, store: d.store, outbox: d.outbox, engine: d.engine, llm: d.llm }),
};
