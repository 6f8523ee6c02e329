import type { MedicConfig } from '../config.js';
import type { Reply } from '../reply/reply.js';
import { checksOf, runNode, type CheckResult } from '../checks/run.js';
import type { ReplyTarget } from '../queue/jobs.js';
import type { RecordStore } from '../store/records.js';
import type { Producer } from '../queue/producer.js';
import { displayTitle } from '../triage/answer.js';
import type { TriageEngine } from '../triage/engine.js';
import { renderTimeline } from './chart.js';
import { collectDigest, type DigestData, type DigestDeps } from './collect.js';
import { digestNarrationInput, digestParagraph, digestReply } from './render.js';
import type { LlmClient } from '../llm/client.js';
import { narrate } from '../llm/narrate.js';

export const DIGEST_SCHEDULER_ID = 'daily-digest';

/** What the digest needs from the engine: titles, and the fix for a failing check. */
export function digestDeps(cfg: MedicConfig, store: RecordStore, engine: TriageEngine): DigestDeps {
  return {
    cfg,
    store,
    title: (id) => {
      const c = engine.card(id);
      return c ? displayTitle(c) : null;
    },
    fixFor: async (system, text) => {
      const r = await engine.triage(`${system}\n${text}`, { top: 1 });
      const m = r.matches[0];
      return !r.abstain && m && m.guide === system ? { cardId: m.id, title: displayTitle(engine.card(m.id)!) } : null;
    },
  };
}

export async function buildDigest(deps: DigestDeps, results: CheckResult[], now = new Date(), llm: LlmClient | null = null): Promise<{ data: DigestData; png: Buffer; reply: Reply; today: string }> {
  const data = await collectDigest(deps, results, now);
  const png = renderTimeline(data.timeline, `Checks, last 24 h (to ${data.at.slice(0, 16).replace('T', ' ')} UTC)`);
  const today = await narrate(llm, 'digest', digestNarrationInput(data), { paragraph: digestParagraph(data) });
  return { data, png, reply: digestReply(data, png, today), today: today.fields.paragraph! };
}

/** Runs every registered node's checks now, in process, and keeps the history. */
export async function runAllChecks(cfg: MedicConfig, store: RecordStore): Promise<CheckResult[]> {
  const results = (await Promise.all(cfg.nodes.map((n) => runNode(n, checksOf(n, cfg.systems), cfg.queues.checks.perNode)))).flat();
  await store.addCheckResults(results);
  return results;
}

/**
 * The digest for chat and the scheduler: a `digest` job (a flow of check jobs, then the
 * collection) when Redis is there; in process on the embedded defaults.
 */
export class DigestRunner {
  constructor(
    private readonly cfg: MedicConfig,
    private readonly store: RecordStore,
    private readonly engine: () => Promise<TriageEngine>,
    /** Where jobs go when Redis is there (null: they run here). */
    private readonly producer: Producer | null,
    private readonly llm: LlmClient | null = null,
  ) {}

  /**
   * Registers the daily schedule, posting to `targets` (the front doors say where). Idempotent by
   * id: every bot process may call it, one scheduler results.
   */
  async schedule(targets: ReplyTarget[]): Promise<void> {
    await this.producer?.scheduleDigest(DIGEST_SCHEDULER_ID, { pattern: this.cfg.digest.cron, tz: this.cfg.digest.timezone }, targets);
  }

  /** The digest now (inline), or null when it will be posted through the outbox. */
  async run(replyTo: ReplyTarget | null): Promise<Reply | null> {
    if (this.producer) {
      await this.producer.enqueueDigest({ replyTo });
      return null;
    }
    const results = await runAllChecks(this.cfg, this.store);
    return (await buildDigest(digestDeps(this.cfg, this.store, await this.engine()), results, new Date(), this.llm)).reply;
  }

}
