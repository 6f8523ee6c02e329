import type { Logger } from 'pino';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { MedicConfig } from '../config.js';
import type { Dispatcher } from '../jobs/dispatcher.js';
import type { Messenger } from '../progress.js';
import { Throttle } from '../progress.js';
import type { ReplyTarget } from '../queue/jobs.js';
import type { Reply } from '../reply/reply.js';
import type { RecordStore } from '../store/records.js';
import type { TriageEngine } from '../triage/engine.js';
import type { LlmClient } from '../llm/client.js';
import { analyzeForChat, PROGRESS_EVERY_MS, progressReply, refusalReply } from './analyze-for-chat.js';
import { checkUploadSize, downloadUpload, type Upload } from './download.js';
import { BundleError, formatBytes } from './limits.js';

/**
 * Takes a bundle from chat: downloads the upload from its platform into the uploads folder and
 * hands it to the `bundles` job (a worker, or this process). A console file is analyzed where it
 * is: it is no upload and never a job. Progress edits one message.
 */
export class BundleIntake {
  constructor(
    readonly cfg: MedicConfig,
    readonly engine: () => Promise<TriageEngine>,
    private readonly jobs: Dispatcher,
    readonly store: RecordStore,
    readonly log: Logger,
    readonly llm: LlmClient | null = null,
  ) {}

  get uploads(): string {
    return join(this.cfg.dataDir, 'uploads');
  }

  /** The report now (in process), a refusal, or null when the report will arrive through the outbox. */
  async run(file: Upload, target: ReplyTarget, messenger: Messenger, userId = 'unknown'): Promise<{ reply: Reply; refused: boolean; answerId?: string } | null> {
    try {
      if (file.platform !== 'console') checkUploadSize(file, this.cfg.bundles.maxDownloadMB);
    } catch (err) {
      if (err instanceof BundleError) return { reply: refusalReply(file.name, err), refused: true };
      throw err;
    }
    const ack = await messenger.post(progressReply(file.name, file.platform === 'console' ? 'Unpacking.' : `Downloading ${formatBytes(file.size)}.`));
    const edit = async (stage: string) => void (ack && (await messenger.edit(ack, progressReply(file.name, stage))));
    const show = new Throttle<string>(PROGRESS_EVERY_MS, edit, (err) => this.log.warn({ err }, 'bundle progress edit failed'));
    let upload: string | null = null;
    try {
      if (file.platform === 'console') {
        const answer = await analyzeForChat(this, file.url, { name: file.name, target, userId, progress: edit });
        return { reply: answer.reply, refused: answer.refused, ...(answer.answerId ? { answerId: answer.answerId } : {}) };
      }
      upload = await downloadUpload(file, {
        maxMB: this.cfg.bundles.maxDownloadMB,
        dir: this.uploads,
        onProgress: (bytes, total) => show.push(`Downloading: ${formatBytes(bytes)} of ${formatBytes(total)}.`),
      });
      await show.settle();
      const job = { upload, name: file.name, replyTo: target, progressMessage: ack, userId };
      upload = null; // the job owns it now, and removes it when settled
      const done = await this.jobs.run('bundles', job, { messenger });
      if (!done) {
        if (ack) await messenger.edit(ack, progressReply(file.name, 'Queued for a worker.'));
        return null;
      }
      const refused = typeof done.value === 'object' && done.value !== null && 'refused' in done.value;
      return { reply: done.reply!, refused, ...(done.answerId ? { answerId: done.answerId } : {}) };
    } catch (err) {
      await show.settle();
      if (!(err instanceof BundleError)) throw err;
      await edit('Refused.');
      return { reply: refusalReply(file.name, err), refused: true };
    } finally {
      if (upload) await rm(dirname(join(this.uploads, upload)), { recursive: true, force: true });
    }
  }
}
