import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { readPaste, UsageError } from './input.js';
import { openEngine } from './progress-bars.js';

export function register(program: Command): void {
  program
    .command('escalate')
    .description('open a tracker issue for an error, or comment on the one that already tracks its fingerprint')
    .addHelpText('after', '\nExamples:\n  $ medic escalate --file error.log --node lloom-exec-1')
    .option('-f, --file <path>', 'the paste (otherwise standard input)')
    .option('--thread <id>', 'the chat thread it came from (keys the job: retries never double it)')
    .option('--node <name>', 'the registered node it happened on')
    .option('--json', 'print the result as JSON')
    .action(async (o: { file?: string; thread?: string; node?: string; json?: boolean }) => {
      const cfg = loadConfig();
      const paste = await readPaste(o.file, 'nothing to escalate: give --file F, or pipe the paste in');
      if (o.node && !cfg.nodes.some((n) => n.name === o.node)) throw new UsageError(`no node "${o.node}"; known: ${cfg.nodes.map((n) => n.name).join(', ') || 'none'}`);
      const [{ escalate }, { escalationInput, trackerFor }, { escalationSummary }, { openStore }, { redactText }, { displayTitle }] = await Promise.all([
        import('../escalate/escalate.js'),
        import('../escalate/runner.js'),
        import('../escalate/escalate.js'),
        import('../app.js'),
        import('../text/redact.js'),
        import('../triage/answer.js'),
      ]);
      const engine = await openEngine(cfg);
      const r = await engine.triage(paste, { top: 1 });
      const card = !r.abstain && r.matches[0] ? engine.card(r.matches[0].id) : undefined;
      const job = {
        fingerprint: r.fingerprint,
        paste: redactText(paste).slice(0, 20_000),
        system: r.system,
        node: o.node ?? null,
        match: card ? { cardId: card.id, title: displayTitle(card), confidence: r.confidence } : null,
        tried: [],
        thread: o.thread ? { platform: 'cli', channelId: 'cli', threadId: o.thread, link: null } : null,
        replyTo: null,
      };
      const { resolveRedis } = await import('../store/redis.js');
      const redis = await resolveRedis(cfg.redisUrl, cfg.redisTopology);
      let result;
      if (redis) {
        // Through the escalations queue and a worker, as chat does.
        const [{ Producer }, { closeOwnConnections }] = await Promise.all([import('../queue/producer.js'), import('../queue/outbox.js')]);
        const producer = new Producer(redis, cfg.redisPrefix);
        try {
          result = (await producer.runEscalation(job)) as Awaited<ReturnType<typeof escalate>>;
        } finally {
          await producer.close();
          await closeOwnConnections();
          redis.disconnect();
        }
      } else {
        const store = await openStore(cfg);
        try {
          const { llmFor } = await import('../llm/client.js');
          result = await escalate(await escalationInput(cfg, store, job), trackerFor(cfg), store, cfg.escalation, llmFor(cfg));
        } finally {
          await store.close();
        }
      }
      process.stdout.write(o.json ? JSON.stringify({ ...result, fingerprint: r.fingerprint }, null, 2) + '\n' : `${escalationSummary(result)}\nfingerprint ${r.fingerprint}\n`);
    });
}
