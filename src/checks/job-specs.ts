import type { MedicConfig } from '../config.js';
import type { Reply } from '../reply/reply.js';
import type { CheckJob } from '../queue/jobs.js';
import { checksOf, renderTable, type CheckResult } from './run.js';
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

/** Whether "Run suggested checks" can do anything for a card: suggestions, and nodes of its system to run them on. */
export function checkSuggestions(cfg: MedicConfig, cardId: string, card: (id: string) => ProblemCard | undefined): { nodes: NodeSpec[]; count: number } {
  const c = card(cardId);
  if (!c) return { nodes: [], count: 0 };
  const nodes = cfg.nodes.filter((n) => n.system === c.guide && jobSpecs(cfg, n, { node: n.name, card: cardId }, card).length > 0);
  return { nodes, count: planChecks(c).length };
}
