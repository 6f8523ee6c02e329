import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { UsageError } from './input.js';
import { openEngine } from './progress-bars.js';

export function register(program: Command): void {
  program
    .command('collect')
    .description("collect a registered node's diagnostics over SSH (read-only commands Medic ships), pack them into a bundle and analyze it")
    .addHelpText('after', '\nExamples:\n  $ medic collect lloom-exec-1\n  $ medic collect lloom-exec-1 --unit lloom-executor --out lloom-exec-1.tar.gz')
    .argument('<node>', 'a node name from medic.yaml (with an ssh: block)')
    .option('--unit <name...>', "only these of the node's units (nodes[].collect.units, or its system's)")
    .option('--out <file>', 'keep the bundle (.tar.gz with manifest.json) here')
    .option('--json', 'print the collection manifest and the report as JSON')
    .action(async (name: string, o: { unit?: string[]; out?: string; json?: boolean }) => {
      const [{ collectAndAnalyze }, { CollectError }, { openStore }, { createLogger }, { llmFor }, { renderText }] = await Promise.all([
        import('../collect/collect.js'),
        import('../collect/plan.js'),
        import('../app.js'),
        import('../log.js'),
        import('../llm/client.js'),
        import('../reply/text.js'),
      ]);
      const cfg = loadConfig();
      if (!cfg.nodes.some((n) => n.name === name)) throw new UsageError(`no node "${name}"; known: ${cfg.nodes.map((n) => n.name).join(', ') || 'none (declare them under "nodes:" in medic.yaml)'}`);
      const store = await openStore(cfg, 'the report recorded in');
      try {
        const engine = await openEngine(cfg, false);
        process.stderr.write(`medic: collecting from ${name} (budget ${cfg.collect.budgetSeconds} s)\n`);
        const done = await collectAndAnalyze(
          { cfg, store, llm: llmFor(cfg), engine: async () => engine, log: createLogger() },
          { node: name, ...(o.unit ? { units: o.unit } : {}), target: { platform: 'console', channelId: 'cli', threadId: null }, userId: 'cli', ...(o.out ? { keep: o.out } : {}) },
        ).catch((err: unknown) => {
          throw err instanceof CollectError ? new UsageError(err.message) : err;
        });
        process.stdout.write(o.json ? JSON.stringify({ manifest: done.manifest, reply: done.answer.reply }, null, 2) + '\n' : renderText(done.answer.reply) + '\n');
        if (o.out) process.stderr.write(`medic: bundle kept in ${o.out}\n`);
        if (!done.manifest.connected) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
}
