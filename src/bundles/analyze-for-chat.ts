import type { Logger } from 'pino';
import type { MedicConfig } from '../config.js';
import { notice, type Reply } from '../reply/reply.js';
import type { ReplyTarget } from '../queue/jobs.js';
import type { TriageEngine } from '../triage/engine.js';
import { analyzeBundle, type AnalyzeProgress, type BundleReport } from './analyze.js';
import type { BundleSummary, RecordStore } from '../store/records.js';
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
    const engine = await deps.engine();
    // Team notes saved since the last bundle count for its findings too.
    await engine.syncNotes(deps.store);
    const report = await analyzeBundle(path, engine, { limits: deps.cfg.bundles, name: o.name, onProgress: (p) => show.push(describeProgress(p)) });
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
