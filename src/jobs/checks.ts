import { UnrecoverableError } from 'bullmq';
import { renderTable, runCheck, type CheckResult } from '../checks/run.js';
import type { AlertChecks } from '../alerts/group.js';
import { alertHead } from '../alerts/render.js';
import { jobSpecs, resultsReply } from '../checks/job-specs.js';
import { CheckJobSchema, type CheckJob } from '../queue/jobs.js';
import type { JobContext, JobDeps, JobProcessor } from './job.js';

/**
 * Runs a registered node's checks for a job (at most `perNode` at once against the node) and
 * keeps the history. Only registered nodes: a job naming anything else can never succeed, so
 * it is not retried.
 */
export async function checkNode(deps: Pick<JobDeps, 'cfg' | 'store' | 'slots' | 'card'>, data: CheckJob): Promise<CheckResult[]> {
  const node = deps.cfg.nodes.find((n) => n.name === data.node);
  if (!node) throw new UnrecoverableError(`no registered node "${data.node}"`);
  const specs = jobSpecs(deps.cfg, node, data, deps.card);
  // A job's own timeout: every check has one, and waiting for a node slot is bounded too.
  const budget = specs.reduce((sum, s) => sum + s.timeoutMs, 0) + 5000;
  let timer: NodeJS.Timeout | undefined;
  const results = await Promise.race([
    Promise.all(specs.map((spec) => deps.slots.run(node.name, spec.timeoutMs + 1000, () => runCheck(node, spec)))),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`checks job for ${node.name} timed out after ${budget} ms`)), budget))),
  ]).finally(() => clearTimeout(timer));
  await deps.store.addCheckResults(results);
  return results;
}

/** Every registered node's own checks, in process (the digest without workers, `medic digest`). */
export async function checkAllNodes(deps: Pick<JobDeps, 'cfg' | 'store' | 'slots' | 'card'>): Promise<CheckResult[]> {
  return (await Promise.all(deps.cfg.nodes.map((n) => checkNode(deps, { node: n.name })))).flat();
}

/** The `checks` queue: a node's checks, and a table posted to the thread that asked. */
export const checks: JobProcessor<typeof CheckJobSchema> = {
  queue: 'checks',
  schema: CheckJobSchema,
  jobName: 'run',
  concurrency: (cfg) => cfg.queues.checks.concurrency,
  create: (deps) => ({
    async run(data, ctx) {
      const results = await checkNode(deps, data);
      const reply = resultsReply(data.node, results);
      if (data.alert) await showOnAlert(deps, ctx, data.alert, { at: new Date().toISOString(), node: data.node, title: reply.title, table: renderTable(results) });
      else await ctx.deliver({ target: data.replyTo ?? null, reply });
      return results;
    },
  }),
};

/** An alert's checks: kept with its group, and its first message on each platform drawn again with them. */
async function showOnAlert(deps: Pick<JobDeps, 'store'>, ctx: JobContext, key: string, checks: AlertChecks): Promise<void> {
  await deps.store.setAlertChecks(key, checks);
  const g = await deps.store.getAlertGroup(key);
  if (!g) return;
  const head = alertHead(g, checks);
  for (const t of g.threads) await ctx.deliver({ target: { platform: t.platform, channelId: t.channelId, threadId: null }, edit: t.messageId, answerId: t.answerId, reply: head });
}
