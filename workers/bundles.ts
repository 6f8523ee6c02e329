import type { Logger } from 'pino';
import { rm } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { type Job, UnrecoverableError } from 'bullmq';
import type { MedicConfig } from '../src/config.js';
import { analyzeBundle } from '../src/bundles/analyze.js';
import { BundleError } from '../src/bundles/limits.js';
import type { LlmClient } from '../src/llm/client.js';
import { describeProgress, PROGRESS_EVERY_MS, progressReply, refusalReply, reportForChat } from '../src/bundles/runner.js';
import { Throttle } from '../src/progress.js';
import type { RecordStore } from '../src/store/records.js';
import { BundleJobSchema , parseJob } from '../src/queue/jobs.js';
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
    const show = new Throttle<string>(
      PROGRESS_EVERY_MS,
      async (stage) => {
        if (data.progressMessage) await deps.outbox.put({ target, reply: progressReply(data.name, stage), edit: data.progressMessage });
      },
      (err) => deps.log.warn({ err, job: job.id }, 'bundle progress update failed'),
    );
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    let settled = false;
    try {
      const report = await analyzeBundle(path, await deps.engine(), { limits: deps.cfg.bundles, name: data.name, onProgress: (p) => show.push(describeProgress(p)) });
      await show.settle();
      const { reply, answerId } = await reportForChat(deps.store, deps.llm, report, target, data.userId);
      await deps.outbox.put({ target, reply, answerId });
      if (data.progressMessage) await deps.outbox.put({ target, reply: progressReply(data.name, `Done: ${report.findings.length} findings.`), edit: data.progressMessage });
      settled = true;
      return { findings: report.findings.length };
    } catch (err) {
      await show.settle();
      if (!(err instanceof BundleError)) throw err;
      await deps.outbox.put({ target, reply: refusalReply(data.name, err) });
      if (data.progressMessage) await deps.outbox.put({ target, reply: progressReply(data.name, 'Refused.'), edit: data.progressMessage });
      settled = true;
      return { refused: err.message };
    } finally {
      // Kept for a retry after a crash; removed once answered or out of attempts.
      if (settled || last) await rm(dirname(path), { recursive: true, force: true });
    }
  };
}
