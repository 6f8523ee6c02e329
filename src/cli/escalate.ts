import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { readPaste, UsageError } from './input.js';
import { openEngine } from './progress-bars.js';
import type { EscalationResult } from '../escalate/escalate.js';

export function register(program: Command): void {
  program
    .command('escalate')
    .description('open a tracker issue for an error, or comment on the one that already tracks its fingerprint')
    .addHelpText('after', '\nExamples:\n  $ medic escalate --file error.log --node lloom-exec-1')
    .option('-f, --file <path>', 'the paste (otherwise standard input)')
    .option('--thread <id>', 'the chat thread it came from (keys the job: retries never double it)')
    .option('--node <name>', 'the registered node it happened on')
    .option('--json', 'print the result as JSON')
    .option('--queue', 'only through the escalations queue and a running medic worker (fails at once when none is consuming it)')
    .action(async (o: { file?: string; thread?: string; node?: string; json?: boolean; queue?: boolean }) => {
      const cfg = loadConfig();
      const paste = await readPaste(o.file, 'nothing to escalate: give --file F, or pipe the paste in');
      if (o.node && !cfg.nodes.some((n) => n.name === o.node)) throw new UsageError(`no node "${o.node}"; known: ${cfg.nodes.map((n) => n.name).join(', ') || 'none'}`);
      const [{ escalationSummary }, { escalationJob }, { openStore, inlineJobDeps }, { Dispatcher }, { createLogger }, { llmFor }] = await Promise.all([
        import('../escalate/escalate.js'),
        import('../escalate/job.js'),
        import('../app.js'),
        import('../jobs/dispatcher.js'),
        import('../log.js'),
        import('../llm/client.js'),
      ]);
      const engine = await openEngine(cfg);
      const r = await engine.triage(paste, { top: 1 });
      const card = !r.abstain && r.matches[0] ? engine.card(r.matches[0].id) : undefined;
      const job = escalationJob({
        fingerprint: r.fingerprint,
        paste,
        system: r.system,
        card,
        confidence: r.confidence,
        node: o.node ?? null,
        thread: o.thread ? { platform: 'cli', channelId: 'cli', threadId: o.thread, link: null } : null,
        replyTo: null,
      });
      const [{ resolveRedis }, { Producer }, { closeOwnConnections }] = await Promise.all([import('../store/redis.js'), import('../queue/producer.js'), import('../queue/outbox.js')]);
      const redis = await resolveRedis(cfg.redisUrl, cfg.redisTopology);
      if (o.queue && !redis) throw new UsageError('--queue needs Redis: set REDIS_URL');
      const producer = redis ? new Producer(redis, cfg.redisPrefix) : null;
      // Through the escalations queue and a worker, as chat does, when a worker is there to take it.
      const queued = producer !== null && (await producer.consumers('escalations')) > 0;
      const store = await openStore(cfg, 'records in', redis);
      const log = createLogger();
      const jobs = new Dispatcher(queued ? producer : null, inlineJobDeps({ cfg, store, log, llm: llmFor(cfg), engine: async () => engine, card: (id) => engine.card(id) }));
      let result: EscalationResult;
      try {
        if (o.queue && !queued) throw new UsageError('no worker is consuming escalations; start `medic worker`, or run without --queue');
        process.stderr.write(queued ? 'medic: escalating through the escalations queue and a worker\n' : `medic: escalating here${redis ? ' (no worker is consuming escalations)' : ''}\n`);
        result = (await jobs.runAndWait('escalations', job)) as EscalationResult;
      } finally {
        await jobs.close();
        if (!queued) await producer?.close();
        await store.close();
        await closeOwnConnections();
        redis?.disconnect();
        log.flush();
      }
      process.stdout.write(o.json ? JSON.stringify({ ...result, fingerprint: r.fingerprint }, null, 2) + '\n' : `${escalationSummary(result)}\nfingerprint ${r.fingerprint}\n`);
    });
}
