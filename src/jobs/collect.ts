import { collectAndAnalyze } from '../collect/collect.js';
import { CollectError } from '../collect/plan.js';
import { CollectJobSchema } from '../queue/jobs.js';
import { notice } from '../reply/reply.js';
import type { JobProcessor } from './job.js';

/**
 * The `collect` queue: a registered node's diagnostics over SSH, packed into a bundle and
 * analyzed; the report goes to the thread that asked. A request that can never work (no such
 * node, no ssh block, a unit the node does not have) is answered with why, and not retried.
 */
export const collect: JobProcessor<typeof CollectJobSchema> = {
  queue: 'collect',
  schema: CollectJobSchema,
  jobName: 'collect',
  concurrency: () => 4,
  // A collection runs up to its budget, then its analysis: the lock must outlast both.
  lockMs: (cfg) => Math.max(cfg.queues.lockMs, cfg.collect.budgetSeconds * 1000 + 60_000),
  create: (deps) => ({
    async run(data, ctx) {
      const target = data.replyTo ?? { platform: 'console' as const, channelId: 'cli', threadId: null };
      try {
        const done = await collectAndAnalyze(deps, { node: data.node, ...(data.units ? { units: data.units } : {}), target, userId: data.userId });
        await ctx.deliver({ target: data.replyTo ?? null, reply: done.answer.reply, ...(done.answer.answerId ? { answerId: done.answer.answerId } : {}) });
        return { node: data.node, connected: done.manifest.connected, collected: done.manifest.commands.filter((c) => !c.missing).length, of: done.manifest.commands.length };
      } catch (err) {
        if (!(err instanceof CollectError)) throw err;
        // Answered, not retried: retrying cannot make the node or the unit exist.
        await ctx.deliver({ target: data.replyTo ?? null, reply: notice('Cannot collect diagnostics', err.message) });
        return { node: data.node, refused: err.message };
      }
    },
  }),
};
