import type { CheckResult } from '../checks/run.js';
import type { Reply } from '../reply/reply.js';
import { buildDigest, digestDeps } from '../digest/build.js';
import { DigestJobSchema, type ReplyTarget } from '../queue/jobs.js';
import { QUEUES } from '../queue/names.js';
import { checkAllNodes } from './checks.js';
import type { JobDeps, JobProcessor } from './job.js';

async function collect(deps: JobDeps, results: CheckResult[], to: { replyTo: ReplyTarget | null; targets: ReplyTarget[] }, deliver: (target: ReplyTarget, reply: Reply) => Promise<void>) {
  const { data, reply } = await buildDigest(digestDeps(deps.cfg, deps.store, await deps.engine()), results, new Date(), deps.llm);
  const targets = to.replyTo ? [to.replyTo] : to.targets;
  for (const target of targets) await deliver(target, reply);
  return { allClear: data.allClear, failing: data.failing.length, posted: targets.length };
}

/**
 * The `digest` queue. On a worker, `run` (from the scheduler or /digest) starts a BullMQ flow:
 * one `checks` job per registered node as children, and `collect` as the parent, which runs
 * once every check is done and posts the digest. In process, `run` checks the nodes itself.
 */
export const digest: JobProcessor<typeof DigestJobSchema> = {
  queue: 'digest',
  schema: DigestJobSchema,
  jobName: 'run',
  concurrency: () => 1,
  create: (deps) => ({
    async run(to, ctx) {
      const deliver = (target: ReplyTarget, reply: Reply) => ctx.deliver({ target, reply });
      if (ctx.name === 'collect') return collect(deps, ((await ctx.childValues()) as CheckResult[][]).flat(), to, deliver);
      if (!deps.flows) return collect(deps, await checkAllNodes(deps), to, deliver);
      if (!deps.cfg.nodes.length) return collect(deps, [], to, deliver);
      const flow = await deps.flows().add({
        name: 'collect',
        queueName: QUEUES.digest,
        data: to,
        children: deps.cfg.nodes.map((n) => ({ name: 'run', queueName: QUEUES.checks, data: { node: n.name }, opts: { ignoreDependencyOnFailure: true } })),
      });
      return { flow: flow.job.id };
    },
  }),
};
