import { join } from 'node:path';
import type { MedicConfig } from '../config.js';
import { notice, type Reply } from '../reply/reply.js';
import type { EscalationJob } from '../queue/jobs.js';
import type { Producer } from '../queue/producer.js';
import type { RecordStore } from '../store/records.js';
import { escalate, type EscalationResult, escalationSummary } from './escalate.js';
import { FileTracker } from './file-tracker.js';
import { GitHubTracker } from './github-tracker.js';
import type { EscalationInput } from './issue-body.js';
import type { Tracker } from './tracker.js';
import type { LlmClient } from '../llm/client.js';

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

/** Escalation for chat and the CLI: an `escalations` job when Redis is there, in process otherwise. */
export class EscalationRunner {
  constructor(
    private readonly cfg: MedicConfig,
    private readonly store: RecordStore,
    /** Where jobs go when Redis is there (null: they run here). */
    private readonly producer: Producer | null,
    private readonly llm: LlmClient | null = null,
  ) {}

  /** The answer now (inline), or null when it will reach the thread through the outbox. */
  async run(job: EscalationJob): Promise<Reply | null> {
    if (this.producer && job.replyTo) {
      await this.producer.enqueueEscalation(job);
      return null;
    }
    const r = await escalate(await escalationInput(this.cfg, this.store, job), trackerFor(this.cfg), this.store, this.cfg.escalation, this.llm);
    return escalationReply(r);
  }

}
