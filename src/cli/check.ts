import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import type { CheckResult } from '../checks/run.js';
import { UsageError } from './input.js';
import { openEngine } from './progress-bars.js';

export function register(program: Command): void {
  program
    .command('check')
    .description('run a registered node\'s checks now and print a pass/warn/fail table (exit 1 when any fails)')
    .addHelpText('after', '\nExamples:\n  $ medic check lloom-exec-1 --check health\n  $ medic check --all --json')
    .argument('[node]', 'a node name from medic.yaml')
    .option('--check <name>', 'only this check')
    .option('--all', 'every node')
    .option('--json', 'print the results as JSON')
    .option('--queue', 'run through the checks queue and a medic worker, and wait (needs Redis)')
    .action(async (name: string | undefined, o: { check?: string; all?: boolean; json?: boolean; queue?: boolean }) => {
      const [{ checksOf, renderTable }, { resolveRedis }, { Producer }, { closeOwnConnections }, { openStore, inlineJobDeps }, { Dispatcher }, { createLogger }, { llmFor }] = await Promise.all([
        import('../checks/run.js'),
        import('../store/redis.js'),
        import('../queue/producer.js'),
        import('../queue/outbox.js'),
        import('../app.js'),
        import('../jobs/dispatcher.js'),
        import('../log.js'),
        import('../llm/client.js'),
      ]);
      const cfg = loadConfig();
      if (cfg.nodes.length === 0) throw new UsageError(`no nodes in ${cfg.configFile ?? 'medic.yaml (none found)'}; declare them under "nodes:" (see medic.example.yaml)`);
      const nodes = o.all ? cfg.nodes : cfg.nodes.filter((n) => n.name === name);
      if (!o.all && !name) throw new UsageError('name a node, or use --all');
      if (nodes.length === 0) throw new UsageError(`no node "${name}"; known: ${cfg.nodes.map((n) => n.name).join(', ')}`);
      for (const node of nodes) {
        if (o.check && !checksOf(node, cfg.systems).some((c) => c.name === o.check)) throw new UsageError(`node ${node.name} has no check "${o.check}"`);
      }
      const results: CheckResult[] = [];
      const redis = o.queue ? await resolveRedis(cfg.redisUrl, cfg.redisTopology) : null;
      if (o.queue && !redis) throw new UsageError('--queue needs Redis: set REDIS_URL');
      // Here, the job records its results itself; through a worker, the worker does.
      const store = await openStore(cfg, 'results recorded in', o.queue ? redis : undefined);
      const log = createLogger();
      // The CLI names a node's own checks, never a guide card.
      const jobs = new Dispatcher(redis ? new Producer(redis, cfg.redisPrefix) : null, inlineJobDeps({ cfg, store, log, llm: llmFor(cfg), card: () => undefined, engine: () => openEngine(cfg) }));
      try {
        if (jobs.queued && (await jobs.consumers('checks')) === 0) throw new UsageError('no worker is consuming checks; start `medic worker`, or run without --queue');
        process.stderr.write(jobs.queued ? 'medic: running checks through the checks queue and a worker\n' : 'medic: running checks here\n');
        for (const node of nodes) results.push(...((await jobs.runAndWait('checks', { node: node.name, ...(o.check ? { checks: [o.check] } : {}) })) as CheckResult[]));
      } finally {
        await jobs.close();
        await store.close();
        await closeOwnConnections();
        redis?.disconnect();
        log.flush();
      }
      process.stdout.write(o.json ? JSON.stringify(results, null, 2) + '\n' : renderTable(results) + '\n');
      if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
    });
}
