import type { JobProcessor } from './processor.js';
import type { Logger } from 'pino';
import { rm } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { type Job, UnrecoverableError } from 'bullmq';
import type { MedicConfig } from '../src/config.js';
import type { LlmClient } from '../src/llm/client.js';
import { analyzeForChat, progressReply } from '../src/bundles/runner.js';
import type { RecordStore } from '../src/store/records.js';
import { BundleJobSchema, parseJob } from '../src/queue/jobs.js';
import type { Outbox } from '../src/queue/outbox.js';
import type { TriageEngine } from '../src/triage/engine.js';

/**
 * The `bundles` processor: analyze an upload the bot downloaded, show progress by editing the
 * request's message, and post the report (top findings, full Markdown attached) to the thread.
 * A refused bundle is an answer, not a failure; the upload is removed once the job is settled.
 */
export function bundlesProcessor(deps: { cfg: MedicConfig; outbox: Outbox; store: RecordStore; engine: () => Promise<TriageEngine>; llm: LlmClient | null; log: Logger }) {
  const uploads = resolve(deps.cfg.dataDir, 'uploads');
  return async (job: Job): Promise<{ findings: number } | { refused: string }> => {
    const data = parseJob('bundles', BundleJobSchema, job.data);
    const path = resolve(uploads, data.upload);
    if (!path.startsWith(uploads + sep)) throw new UnrecoverableError('the upload is outside the uploads folder');
    const target = data.replyTo;
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    let settled = false;
    try {
      const answer = await analyzeForChat(deps, path, {
        name: data.name,
        target,
        userId: data.userId,
        progress: async (stage) => {
          if (data.progressMessage) await deps.outbox.put({ target, reply: progressReply(data.name, stage), edit: data.progressMessage });
        },
      });
      await deps.outbox.put({ target, reply: answer.reply, ...(answer.answerId ? { answerId: answer.answerId } : {}) });
      settled = true;
      return answer.refused ? { refused: answer.reply.summary } : { findings: answer.findings ?? 0 };
    } finally {
      // Kept for a retry after a crash; removed once answered or out of attempts.
      if (settled || last) await rm(dirname(path), { recursive: true, force: true });
    }
  };
}

export const bundles: JobProcessor = {
  // A bundle is heavy (CPU and temp disk): a few at a time, with a lock long enough for a large one.
  concurrency: (cfg) => cfg.queues.bundles.concurrency,
  lockMs: (cfg) => Math.max(cfg.queues.lockMs, 60_000),
  create: (d) => bundlesProcessor({ cfg: d.cfg, outbox: d.outbox, store: d.store, engine: d.engine, llm: d.llm, log: d.log }),
};
