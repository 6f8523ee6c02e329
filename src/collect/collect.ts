import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeForChat, type BundleAnswer } from '../bundles/analyze-for-chat.js';
import type { JobDeps } from '../jobs/job.js';
import type { ReplyTarget } from '../queue/jobs.js';
import type { Reply } from '../reply/reply.js';
import { CollectError, planCollection } from './plan.js';
import { collectBundle, collectSummary, type CollectManifest } from './run.js';

export interface Collected {
  manifest: CollectManifest;
  answer: BundleAnswer;
}

/**
 * `medic collect` and the Collect diagnostics button: the node's collectors over SSH, packed
 * into a bundle in a temp folder, analyzed like an uploaded one (redaction, findings, report),
 * the temp folder removed. `keep` copies the bundle out first.
 */
export async function collectAndAnalyze(
  deps: Pick<JobDeps, 'cfg' | 'store' | 'llm' | 'engine' | 'log'>,
  o: { node: string; units?: string[]; target: ReplyTarget; userId: string; keep?: string },
): Promise<Collected> {
  const node = deps.cfg.nodes.find((n) => n.name === o.node);
  if (!node) throw new CollectError(`no registered node "${o.node}"`);
  if (!node.ssh) throw new CollectError(`node ${node.name} has no ssh: block in medic.yaml (user, key, hostKey), so nothing can be collected from it`);
  const plan = planCollection(deps.cfg, node, o.units ? { units: o.units } : {});
  const dir = await mkdtemp(join(tmpdir(), 'medic-collect-'));
  try {
    const name = `${node.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.tar.gz`;
    const bundle = join(dir, name);
    const manifest = await collectBundle(deps.cfg, node, plan, join(dir, 'work'), bundle);
    if (o.keep) await copyFile(bundle, o.keep);
    const answer = await analyzeForChat(deps, bundle, { name, target: o.target, userId: o.userId, progress: async () => {} });
    return { manifest, answer: { ...answer, reply: withCollection(answer.reply, manifest) } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The report, opened by what was collected and what could not be. */
function withCollection(reply: Reply, m: CollectManifest): Reply {
  const { title, lines } = collectSummary(m);
  return { ...reply, sections: [{ heading: title, blocks: lines.length ? [{ type: 'text', text: lines.join('\n') }] : [] }, ...reply.sections] };
}
