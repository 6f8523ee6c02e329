import type { Logger } from 'pino';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { MedicConfig } from '../config.js';
import type { Messenger } from '../progress.js';
import type { Upload } from './download.js';
import { notice, type Reply } from '../reply/reply.js';
import type { ReplyTarget } from '../queue/jobs.js';
import type { Producer } from '../queue/producer.js';
import type { TriageEngine } from '../triage/engine.js';
import { analyzeBundle, type AnalyzeProgress, type BundleReport } from './analyze.js';
import type { BundleSummary, RecordStore } from '../store/records.js';
import { checkUploadSize, downloadUpload } from './download.js';
import { BundleError, formatBytes } from './limits.js';
import { bundleEscalation, bundleFingerprint, bundleNarrative, narrationInput, reportReply } from './report.js';
import type { LlmClient } from '../llm/client.js';
import { narrate } from '../llm/narrate.js';
import { Throttle } from '../progress.js';
import { randomBytes } from 'node:crypto';

/** Chat edits are rate-limited: progress is shown at most this often. */
export const PROGRESS_EVERY_MS = 2000;

/** The message a bundle request shows while it works, edited as stages complete. */
export function progressReply(name: string, stage: string): Reply {
  return notice(`Analyzing ${name}`, stage);
}

export function describeProgress(p: AnalyzeProgress): string {
  if (p.stage === 'unpacking') return p.files ? `Unpacking and scanning: ${p.files} file${p.files === 1 ? '' : 's'}, ${formatBytes(p.unpacked)} so far.` : 'Unpacking.';
  if (p.stage === 'scanning') return `Scanning logs: ${p.done}/${p.total} files.`;
  return `Matching findings to the guides: ${p.done}/${p.total}.`;
}

/** The reply when a bundle is refused or unreadable: what was wrong, and what to do. */
export function refusalReply(name: string, err: BundleError): Reply {
  return notice(`Could not analyze ${name}`, `${err.message.replace(/^[^:]+: /, '')}. Nothing from it was kept.`);
}

/** Keeps a bundle report as an answer, so "Escalate" on it knows what to escalate. Returns its id. */
export async function saveBundleAnswer(store: RecordStore, r: BundleReport, target: ReplyTarget, userId: string): Promise<string> {
  const id = randomBytes(6).toString('base64url');
  const { paste, findings } = bundleEscalation(r);
  const top = r.findings.find((f) => f.severity === 'fail' && f.fix);
  await store.saveAnswer({ id, fingerprint: bundleFingerprint(r), cardId: top?.fix?.cardId ?? null, alternatives: [], platform: target.platform, channelId: target.channelId, threadId: target.threadId, userId, createdAt: new Date().toISOString(), paste, system: r.systems[0]?.system ?? null, findings });
  return id;
}

/**
 * What follows a finished analysis, in the bot or a worker: the digest's record, the answer
 * Escalate will need, and the summary Reply under its narrative.
 */
export async function reportForChat(store: RecordStore, llm: LlmClient | null, report: BundleReport, target: ReplyTarget, userId: string): Promise<{ reply: Reply; answerId: string }> {
  await store.addBundleSummary(bundleSummary(report));
  const answerId = await saveBundleAnswer(store, report, target, userId);
  const story = await narrate(llm, 'bundle', narrationInput(report), { narrative: bundleNarrative(report) });
  return { reply: reportReply(report, 5, true, story), answerId };
}

/** What the digest lists about an analyzed bundle. */
export function bundleSummary(r: BundleReport): BundleSummary {
  const top = r.findings.filter((f) => f.severity !== 'info').slice(0, 3).map((f) => f.title);
  return { name: r.bundle, at: r.analyzedAt, failures: r.findings.filter((f) => f.severity === 'fail').length, warnings: r.findings.filter((f) => f.severity === 'warn').length, top };
}

/** A bundle's answer for chat: its report, or why it was refused. */
export interface BundleAnswer {
  reply: Reply;
  refused: boolean;
  answerId?: string;
  findings?: number;
}

/**
 * Analyzes a bundle on disk for chat, inline or on a worker alike: progress goes to `progress`
 * (throttled, ending "Done" or "Refused"), and the answer is the report or the refusal. An error
 * that is not the bundle's fault is thrown.
 */
export async function analyzeForChat(
  deps: { cfg: MedicConfig; store: RecordStore; llm: LlmClient | null; engine: () => Promise<TriageEngine>; log: Logger },
  path: string,
  o: { name: string; target: ReplyTarget; userId: string; progress: (stage: string) => Promise<void> },
): Promise<BundleAnswer> {
  const show = new Throttle<string>(PROGRESS_EVERY_MS, o.progress, (err) => deps.log.warn({ err }, 'bundle progress update failed'));
  try {
    const report = await analyzeBundle(path, await deps.engine(), { limits: deps.cfg.bundles, name: o.name, onProgress: (p) => show.push(describeProgress(p)) });
    await show.settle();
    const { reply, answerId } = await reportForChat(deps.store, deps.llm, report, o.target, o.userId);
    await o.progress(`Done: ${report.findings.length} findings.`);
    return { reply, refused: false, answerId, findings: report.findings.length };
  } catch (err) {
    await show.settle();
    if (!(err instanceof BundleError)) throw err;
    await o.progress('Refused.');
    return { reply: refusalReply(o.name, err), refused: true };
  }
}

/**
 * Runs bundle analysis for chat: downloads the upload from its platform, then analyzes it on
 * the `bundles` queue when Redis is there (the report reaches the thread through the outbox),
 * or in process on the embedded defaults. Progress edits one message.
 */
export class BundleRunner {
  constructor(
    readonly cfg: MedicConfig,
    readonly engine: () => Promise<TriageEngine>,
    /** Where jobs go when Redis is there (null: they run here). */
    private readonly producer: Producer | null,
    readonly store: RecordStore,
    readonly log: Logger,
    readonly llm: LlmClient | null = null,
  ) {}

  get uploads(): string {
    return join(this.cfg.dataDir, 'uploads');
  }

  /** The report now (inline), a refusal, or null when the report will arrive through the outbox. */
  async run(file: Upload, target: ReplyTarget, messenger: Messenger, userId = 'unknown'): Promise<{ reply: Reply; refused: boolean; answerId?: string } | null> {
    try {
      if (file.platform !== 'console') checkUploadSize(file, this.cfg.bundles.maxDownloadMB);
    } catch (err) {
      if (err instanceof BundleError) return { reply: refusalReply(file.name, err), refused: true };
      throw err;
    }
    const ack = await messenger.post(progressReply(file.name, file.platform === 'console' ? 'Unpacking.' : `Downloading ${formatBytes(file.size)}.`));
    const show = new Throttle<string>(
      PROGRESS_EVERY_MS,
      async (stage) => {
        if (ack) await messenger.edit(ack, progressReply(file.name, stage));
      },
      (err) => this.log.warn({ err }, 'bundle progress edit failed'),
    );
    let upload: string | null = null;
    try {
      let path = file.url;
      if (file.platform !== 'console') {
        upload = await downloadUpload(file, {
          maxMB: this.cfg.bundles.maxDownloadMB,
          dir: this.uploads,
          onProgress: (bytes, total) => show.push(`Downloading: ${formatBytes(bytes)} of ${formatBytes(total)}.`),
        });
        path = join(this.uploads, upload);
      }
      if (this.producer && upload) {
        await show.settle();
        await this.producer.enqueueBundle({ upload, name: file.name, replyTo: target, progressMessage: ack, userId });
        if (ack) await messenger.edit(ack, progressReply(file.name, 'Queued for a worker.'));
        upload = null; // the worker owns it now
        return null;
      }
      await show.settle();
      const answer = await analyzeForChat(this, path, { name: file.name, target, userId, progress: async (stage) => void (ack && (await messenger.edit(ack, progressReply(file.name, stage)))) });
      return { reply: answer.reply, refused: answer.refused, ...(answer.answerId ? { answerId: answer.answerId } : {}) };
    } catch (err) {
      await show.settle();
      if (!(err instanceof BundleError)) throw err;
      if (ack) await messenger.edit(ack, progressReply(file.name, 'Refused.'));
      return { reply: refusalReply(file.name, err), refused: true };
    } finally {
      if (upload) await rm(dirname(join(this.uploads, upload)), { recursive: true, force: true });
    }
  }

}
