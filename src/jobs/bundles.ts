import { rm } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { analyzeForChat, progressReply } from '../bundles/analyze-for-chat.js';
import { BundleJobSchema } from '../queue/jobs.js';
import type { JobProcessor } from './job.js';

/**
 * The `bundles` queue: analyze an upload the bot downloaded, show progress by editing the
 * request's message, and post the report (top findings, full Markdown attached) to the thread.
 * A refused bundle is an answer, not a failure; the upload is removed once the job is settled.
 */
export const bundles: JobProcessor<typeof BundleJobSchema> = {
  queue: 'bundles',
  schema: BundleJobSchema,
  jobName: 'analyze',
  // One job per upload, however often the request is retried.
  jobId: (data) => `bundle-${data.upload.split('/')[0]}`,
  // A bundle is heavy (CPU and temp disk): a few at a time, with a lock long enough for a large one.
  concurrency: (cfg) => cfg.queues.bundles.concurrency,
  lockMs: (cfg) => Math.max(cfg.queues.lockMs, 60_000),
  create: (deps) => {
    const uploads = resolve(deps.cfg.dataDir, 'uploads');
    return {
      async run(data, ctx) {
        const path = resolve(uploads, data.upload);
        if (!path.startsWith(uploads + sep)) throw new UnrecoverableError('the upload is outside the uploads folder');
        const target = data.replyTo;
        let settled = false;
        try {
          const answer = await analyzeForChat(deps, path, {
            name: data.name,
            target,
            userId: data.userId,
            progress: async (stage) => {
              if (data.progressMessage) await ctx.deliver({ target, reply: progressReply(data.name, stage), edit: data.progressMessage });
            },
          });
          await ctx.deliver({ target, reply: answer.reply, ...(answer.answerId ? { answerId: answer.answerId } : {}) });
          settled = true;
          return answer.refused ? { refused: answer.reply.summary } : { findings: answer.findings ?? 0 };
        } finally {
          // Kept for a retry after a crash; removed once answered or out of attempts.
          if (settled || ctx.lastAttempt) await rm(dirname(path), { recursive: true, force: true });
        }
      },
    };
  },
};
