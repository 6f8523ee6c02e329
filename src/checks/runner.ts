import type { MedicConfig } from '../config.js';
import type { Reply } from '../reply/reply.js';
import type { CheckJob } from '../queue/jobs.js';
import type { Producer } from '../queue/producer.js';
import type { RecordStore } from '../store/records.js';
import { checksOf, renderTable, runNode, type CheckResult } from './run.js';
import type { ProblemCard } from '../knowledge/card.js';
import { planChecks } from './planner.js';
import type { CheckSpec, NodeSpec } from './spec.js';

/** The checks a job asks for: a card's suggestions (runnable on this node), or the node's own. */
export function jobSpecs(cfg: MedicConfig, node: NodeSpec, job: CheckJob, card: (id: string) => ProblemCard | undefined): CheckSpec[] {
  if (job.card) {
    const c = card(job.card);
    if (!c) throw new Error(`no guide card "${job.card}"`);
    return planChecks(c).filter((s) => s.kind !== 'ssh' || node.ssh);
  }
  return checksOf(node, cfg.systems).filter((c) => !job.checks || job.checks.includes(c.name));
}

/** A results table as a Reply. */
export function resultsReply(node: string, results: CheckResult[]): Reply {
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  return {
    title: `Checks on ${node}: ${failed ? `${failed} failed` : warned ? `${warned} warning` : 'all passed'}`,
    summary: `${results.length} checks.`,
    sections: [{ heading: 'Results', blocks: [{ type: 'code', lang: '', text: renderTable(results) }] }],
    citations: [],
    actions: [],
    attachments: [],
    notes: [],
  };
}

/**
 * Runs a registered node's checks for chat: through the `checks` queue when Redis is there
 * (the result reaches the thread through the outbox), in process on the embedded defaults.
 */
export class CheckRunner {
  constructor(
    private readonly cfg: MedicConfig,
    private readonly store: RecordStore,
    /** Where jobs go when Redis is there (null: they run here). */
    private readonly producer: Producer | null,
    private readonly card: (id: string) => ProblemCard | undefined,
  ) {}

  /** Either the results now (inline) or null when they will arrive through the outbox. */
  async run(job: CheckJob): Promise<Reply | null> {
    const node = this.cfg.nodes.find((n) => n.name === job.node);
    if (!node) throw new Error(`no registered node "${job.node}"`);
    if (this.producer) {
      await this.producer.enqueueChecks(job);
      return null;
    }
    const specs = jobSpecs(this.cfg, node, job, this.card);
    const results = await runNode(node, specs, this.cfg.queues.checks.perNode);
    await this.store.addCheckResults(results);
    return resultsReply(node.name, results);
  }

  /** Whether "Run suggested checks" can do anything for this card: suggestions and nodes to run them on. */
  suggestionsFor(cardId: string): { nodes: NodeSpec[]; count: number } {
    const c = this.card(cardId);
    if (!c) return { nodes: [], count: 0 };
    const nodes = this.cfg.nodes.filter((n) => n.system === c.guide && jobSpecs(this.cfg, n, { node: n.name, card: cardId }, this.card).length > 0);
    return { nodes, count: planChecks(c).length };
  }

}
