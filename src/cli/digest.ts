import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { renderText } from '../reply/text.js';
import { UsageError, writeUserFile } from './input.js';
import { openEngine } from './progress-bars.js';

export function register(program: Command): void {
  program
    .command('digest')
    .description('run every registered node\'s checks and print the health digest (what changed, failing checks, the day\'s pastes)')
    .addHelpText('after', '\nExamples:\n  $ medic digest --png timeline.png')
    .option('--json', 'print the digest data as JSON')
    .option('--png <file>', 'write the 24-hour check timeline chart as a PNG')
    .option('--post', 'also post it to the digest channels through the outbox (needs Redis and a running medic serve)')
    .action(async (o: { json?: boolean; png?: string; post?: boolean }) => {
      const cfg = loadConfig();
      const [{ openStore, inlineJobDeps }, { buildDigest, digestDeps }, { checkAllNodes }, { digestTargets }, { createLogger }, { llmFor }] = await Promise.all([
        import('../app.js'),
        import('../digest/build.js'),
        import('../jobs/checks.js'),
        import('../chat/digest-targets.js'),
        import('../log.js'),
        import('../llm/client.js'),
      ]);
      const engine = await openEngine(cfg);
      const store = await openStore(cfg, 'pastes, checks and threads from');
      let built;
      try {
        const llm = llmFor(cfg);
        const results = await checkAllNodes(inlineJobDeps({ cfg, store, log: createLogger(), llm, engine: async () => engine, card: (id) => engine.card(id) }));
        built = await buildDigest(digestDeps(cfg, store, engine), results, new Date(), llm);
      } finally {
        await store.close();
      }
      if (o.png) {
        writeUserFile(o.png, built.png);
      }
      if (o.post) {
        const [{ resolveRedis }, { Outbox, closeOwnConnections }] = await Promise.all([import('../store/redis.js'), import('../queue/outbox.js')]);
        const redis = await resolveRedis(cfg.redisUrl, cfg.redisTopology);
        if (!redis) throw new UsageError('--post needs Redis (and a running medic serve to deliver it): set REDIS_URL');
        const targets = digestTargets(cfg);
        if (!targets.length) throw new UsageError('--post needs a chat platform: set DISCORD_TOKEN or SLACK_BOT_TOKEN');
        const outbox = new Outbox(redis, cfg.redisPrefix);
        try {
          for (const target of targets) await outbox.put({ target, reply: built.reply });
        } finally {
          await outbox.close();
          await closeOwnConnections();
          redis.disconnect();
        }
        process.stderr.write(`medic: digest queued for ${targets.map((t) => `${t.platform} ${t.channelId}`).join(' and ')}\n`);
      }
      process.stdout.write(o.json ? JSON.stringify(built.data, null, 2) + '\n' : renderText(built.reply) + '\n');
    });
}
