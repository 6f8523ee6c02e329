import { join } from 'node:path';
import type { MedicConfig } from '../config.js';
import { notice, type Reply } from '../reply/reply.js';
import type { RecordStore } from '../store/records.js';
import { type EscalationResult, escalationSummary } from './escalate.js';
import { FileTracker } from './file-tracker.js';
import { GitHubTracker } from './github-tracker.js';
import type { EscalationInput } from './issue-body.js';
import type { Tracker } from './tracker.js';
import type { ProblemCard } from '../knowledge/card.js';
import type { EscalationJob } from '../queue/jobs.js';
import { keptPaste } from '../text/redact.js';
import { displayTitle } from '../triage/answer.js';

/** The sections tried before escalating that an issue lists, at most. */
const TRIED = 20;

/**
 * One escalation, as every front door asks for it (a button, /escalate, medic escalate): the
 * paste kept redacted, the section it matched and what people tried.
 */
export function escalationJob(o: {
  fingerprint: string;
  paste: string;
  system: string | null;
  card?: ProblemCard | undefined;
  confidence?: number;
  node?: string | null;
  tried?: string[];
  thread: EscalationJob['thread'];
  replyTo: EscalationJob['replyTo'];
  findings?: NonNullable<EscalationJob['findings']>;
}): EscalationJob {
  return {
    fingerprint: o.fingerprint,
    paste: keptPaste(o.paste),
    system: o.system ?? o.card?.guide ?? null,
    node: o.node ?? null,
    match: o.card ? { cardId: o.card.id, title: displayTitle(o.card), confidence: o.confidence ?? 0 } : null,
    tried: [...new Set(o.tried ?? [])].slice(0, TRIED),
    thread: o.thread,
    replyTo: o.replyTo,
    findings: o.findings ?? [],
  };
}

/** GitHub when a token and a repository are configured; Markdown files under data/escalations/ otherwise. */
export function trackerFor(cfg: MedicConfig): Tracker {
  const gh = cfg.escalation.github;
  if (cfg.github && gh) return new GitHubTracker(cfg.github.token, { repo: gh.repo, systems: gh.systems }, cfg.github.apiUrl);
  return new FileTracker(join(cfg.dataDir, 'escalations'));
}

/** The full input: the job, plus the latest check results of the system's registered nodes. */
export async function escalationInput(cfg: MedicConfig, store: RecordStore, job: EscalationJob): Promise<EscalationInput> {
  const nodes = cfg.nodes.filter((n) => (job.node ? n.name === job.node : n.system === job.system));
  const checks = (await Promise.all(nodes.map((n) => store.checkHistory(n.name, 1)))).flat();
  const { replyTo: _replyTo, findings, ...rest } = job;
  return { ...rest, checks, findings: findings ?? [] };
}

export function escalationReply(r: EscalationResult): Reply {
  const title = r.action === 'created' ? (r.tracker === 'github' ? `Escalated: #${r.number}` : 'Escalated to a local file') : `Already tracked in #${r.number}`;
  return notice(title, escalationSummary(r));
}
