import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { renderText } from './reply/text.js';
import { ConfigError, loadConfig, type MedicConfig } from './config.js';
import { createEmbedder } from './knowledge/embedders/index.js';
import { buildIndex, type BuildProgress, IndexError, readGuides } from './knowledge/index-store.js';
import { parseGuide } from './knowledge/guide-parser.js';
import { registeredNodes, type TriageContext, TriageEngine, type TriageResult } from './triage/engine.js';
import { planChecks } from './checks/planner.js';
import { type QueueName, WORKER_QUEUES } from './queue/names.js';
import { analyzeBundle, type AnalyzeProgress } from './bundles/analyze.js';
import { BundleError } from './bundles/limits.js';
import { renderReportMarkdown, renderReportText } from './bundles/report.js';
import { writeFileSync } from 'node:fs';
import { registerFit } from './cli/fit.js';

/** Bad input from the user: one line on stderr, exit 2. */
class UsageError extends Error {
  override name = 'UsageError';
}

const MAX_PASTE_BYTES = 1024 * 1024;

function checkPaste(text: string): string {
  if (Buffer.byteLength(text, 'utf8') > MAX_PASTE_BYTES) throw new UsageError('the paste is over 1 MB; paste the error lines, or analyze the whole file with a bundle');
  if (/\u0000/.test(text) || (text.match(/[\u0001-\u0008\u000e-\u001a\u001c-\u001f\ufffd]/g)?.length ?? 0) > Math.max(8, text.length * 0.05)) {
    throw new UsageError('the input looks binary, not text');
  }
  if (!text.trim()) throw new UsageError('the paste is empty: give the error text');
  return text;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(c as string);
    size += b.length;
    if (size > MAX_PASTE_BYTES * 2) throw new UsageError('the paste is over 1 MB; paste the error lines, or analyze the whole file with a bundle');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A paste from --file or standard input, checked; `none` says what to do when there is neither. */
async function readPaste(file: string | undefined, none: string): Promise<string> {
  if (file) {
    try {
      return checkPaste(readFileSync(file, 'utf8'));
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (!process.stdin.isTTY) return checkPaste(await readStdin());
  throw new UsageError(none);
}

function progressBar(label: string): { onProgress: (p: BuildProgress) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { format: `${label} {phase} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress: (p) => {
      if (!started) {
        bar.start(p.total, p.done, { phase: p.phase });
        started = true;
      }
      bar.setTotal(Math.max(1, p.total));
      bar.update(p.done, { phase: p.phase });
    },
    stop: () => started && bar.stop(),
  };
}

function analyzeProgressBar(): { onProgress: (p: AnalyzeProgress) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar({ format: '{stage} [{bar}] {detail}', stream: process.stderr, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    onProgress: (p) => {
      const [value, total, detail] =
        p.stage === 'unpacking' ? [p.read, Math.max(1, p.total), `${p.files} files`] : p.stage === 'scanning' ? [p.done, Math.max(1, p.total), `${p.done}/${p.total} logs ${p.file}`] : [p.done, Math.max(1, p.total), `${p.done}/${p.total}`];
      if (!started) {
        bar.start(total, value, { stage: p.stage, detail });
        started = true;
      }
      bar.setTotal(total);
      bar.update(value, { stage: p.stage.padEnd(9), detail });
    },
    stop: () => started && bar.stop(),
  };
}

async function openEngine(cfg: MedicConfig, dense = true): Promise<TriageEngine> {
  const bar = process.stderr.isTTY ? progressBar('indexing') : null;
  try {
    return await TriageEngine.open(cfg, {
      dense,
      onNotice: (m) => process.stderr.write(m + '\n'),
      ...(bar ? { onProgress: bar.onProgress } : {}),
    });
  } finally {
    bar?.stop();
  }
}

const JsonlCase = z.object({ id: z.union([z.string(), z.number()]).transform(String), paste: z.string() });

async function triageJsonl(engine: TriageEngine, top: number, context: TriageContext): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let id: string | null = null;
    try {
      const raw: unknown = JSON.parse(line);
      const c = JsonlCase.parse(raw);
      id = c.id;
      const r = await engine.triage(checkPaste(c.paste), { top, context });
      process.stdout.write(JSON.stringify({ id, abstain: r.abstain, confidence: r.confidence, matches: r.matches, fingerprint: r.fingerprint, system: r.system }) + '\n');
    } catch (err) {
      const message = err instanceof z.ZodError ? 'each line needs {"id": string, "paste": string}' : (err as Error).message;
      process.stdout.write(JSON.stringify({ id, error: message }) + '\n');
    }
  }
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new InvalidArgumentError('expected a whole number from 1 to 50');
  return n;
}

export function program(): Command {
  const cmd = new Command('medic')
    .description('Medic: troubleshooting answers from the Lloom, StarCoder, Hourglass, LLMSpell and Hybridgrid guides')
    .showHelpAfterError('(run "medic --help" for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  cmd
    .command('triage')
    .description('match a pasted error to the guide section that fixes it, or abstain')
    .argument('[text...]', 'the error text (otherwise --file or standard input)')
    .option('-f, --file <path>', 'read the paste from a file')
    .option('--json', 'print one JSON object: fingerprint, system, abstain, confidence, matches, reply')
    .option('--jsonl', 'batch mode: read {"id","paste"} lines on stdin, write one result line each')
    .option('--top <n>', 'how many matches to return', positiveInt, 3)
    .option('--explain', 'with --json: why it answered or abstained (coverage, section kinds, system evidence, confidence)')
    .option('--system <name>', 'the system the paste comes from (a guide name), when the paste does not say')
    .action(async (words: string[], o: { file?: string; json?: boolean; jsonl?: boolean; top: number; explain?: boolean; system?: string }) => {
      const cfg = loadConfig();
      const contextFor = (engine: TriageEngine): TriageContext => {
        if (o.system && !engine.guides.includes(o.system)) throw new UsageError(`--system ${o.system}: no such guide; known: ${engine.guides.join(', ')}`);
        return { ...(o.system ? { system: { guide: o.system, source: '--system' } } : {}), nodes: registeredNodes(cfg) };
      };
      if (o.jsonl) {
        const engine = await openEngine(cfg);
        await triageJsonl(engine, o.top, contextFor(engine));
        return;
      }
      const paste = words.length ? checkPaste(words.join(' ')) : await readPaste(o.file, 'nothing to triage: give the text, --file F, or pipe it in');
      const engine = await openEngine(cfg);
      const r: TriageResult & { explain?: unknown } = await engine.triage(paste, { top: o.top, explain: Boolean(o.explain), context: contextFor(engine) });
      if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else {
        process.stdout.write(renderText(r.reply) + '\n');
        process.stdout.write(`\nfingerprint ${r.fingerprint}  system ${r.system ?? 'unknown'}  confidence ${r.confidence.toFixed(2)}${r.abstain ? '  (abstained)' : ''}\n`);
      }
    });

  cmd
    .command('analyze')
    .description('analyze a diagnostic bundle (.tar.gz, .tgz, .tar, .zip, .gz, a log, or a folder): ranked findings with evidence and fixes')
    .argument('<path>', 'the bundle')
    .option('--json', 'print the full report as JSON')
    .option('--report <file>', 'also write the report as Markdown to this file')
    .action(async (path: string, o: { json?: boolean; report?: string }) => {
      const cfg = loadConfig();
      const engine = await openEngine(cfg, false);
      const bar = process.stderr.isTTY ? analyzeProgressBar() : null;
      let report;
      try {
        report = await analyzeBundle(path, engine, { limits: cfg.bundles, ...(bar ? { onProgress: bar.onProgress } : {}) });
      } catch (err) {
        if (err instanceof BundleError) throw new UsageError(err.message);
        throw err;
      } finally {
        bar?.stop();
      }
      if (o.report) {
        try {
          writeFileSync(o.report, renderReportMarkdown(report));
        } catch (err) {
          throw new UsageError(`cannot write ${o.report}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      }
      process.stdout.write(o.json ? JSON.stringify(report, null, 2) + '\n' : renderReportText(report));
    });

  cmd
    .command('digest')
    .description('run every registered node\'s checks and print the health digest (what changed, failing checks, the day\'s pastes)')
    .option('--json', 'print the digest data as JSON')
    .option('--png <file>', 'write the 24-hour check timeline chart as a PNG')
    .option('--post', 'also post it to the digest channels through the outbox (needs Redis and a running medic serve)')
    .action(async (o: { json?: boolean; png?: string; post?: boolean }) => {
      const cfg = loadConfig();
      const [{ openStore }, { buildDigest, digestDeps, digestTargets, runAllChecks }] = await Promise.all([import('./app.js'), import('./digest/runner.js')]);
      const engine = await openEngine(cfg);
      const store = await openStore(cfg);
      let built;
      try {
        const { llmFor } = await import('./llm/client.js');
        built = await buildDigest(digestDeps(cfg, store, engine), await runAllChecks(cfg, store), new Date(), llmFor(cfg));
      } finally {
        await store.close();
      }
      if (o.png) {
        try {
          writeFileSync(o.png, built.png);
        } catch (err) {
          throw new UsageError(`cannot write ${o.png}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      }
      if (o.post) {
        const [{ resolveRedis }, { Outbox, closeOwnConnections }] = await Promise.all([import('./store/redis.js'), import('./queue/outbox.js')]);
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

  cmd
    .command('escalate')
    .description('open a tracker issue for an error, or comment on the one that already tracks its fingerprint')
    .option('-f, --file <path>', 'the paste (otherwise standard input)')
    .option('--thread <id>', 'the chat thread it came from (keys the job: retries never double it)')
    .option('--node <name>', 'the registered node it happened on')
    .option('--json', 'print the result as JSON')
    .action(async (o: { file?: string; thread?: string; node?: string; json?: boolean }) => {
      const cfg = loadConfig();
      const paste = await readPaste(o.file, 'nothing to escalate: give --file F, or pipe the paste in');
      if (o.node && !cfg.nodes.some((n) => n.name === o.node)) throw new UsageError(`no node "${o.node}"; known: ${cfg.nodes.map((n) => n.name).join(', ') || 'none'}`);
      const [{ escalate }, { escalationInput, trackerFor }, { escalationSummary }, { openStore }, { redactText }, { displayTitle }] = await Promise.all([
        import('./escalate/escalate.js'),
        import('./escalate/runner.js'),
        import('./escalate/escalate.js'),
        import('./app.js'),
        import('./text/redact.js'),
        import('./triage/answer.js'),
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
      const { resolveRedis } = await import('./store/redis.js');
      const redis = await resolveRedis(cfg.redisUrl, cfg.redisTopology);
      let result;
      if (redis) {
        // Through the escalations queue and a worker, as chat does.
        const [{ Producer }, { closeOwnConnections }] = await Promise.all([import('./queue/producer.js'), import('./queue/outbox.js')]);
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
          const { llmFor } = await import('./llm/client.js');
          result = await escalate(await escalationInput(cfg, store, job), trackerFor(cfg), store, cfg.escalation, llmFor(cfg));
        } finally {
          await store.close();
        }
      }
      process.stdout.write(o.json ? JSON.stringify({ ...result, fingerprint: r.fingerprint }, null, 2) + '\n' : `${escalationSummary(result)}\nfingerprint ${r.fingerprint}\n`);
    });

  cmd
    .command('index')
    .description('build or refresh the search index from knowledge/ (only changed guides are re-embedded)')
    .option('--force', 'rebuild every guide')
    .option('--json', 'print the result as JSON')
    .action(async (o: { force?: boolean; json?: boolean }) => {
      const cfg = loadConfig();
      const embedder = createEmbedder(cfg.embedder);
      const bar = progressBar('indexing');
      const started = Date.now();
      let r;
      try {
        r = await buildIndex(cfg.knowledgeDir, cfg.indexDir, embedder, { force: Boolean(o.force), onProgress: bar.onProgress });
      } finally {
        bar.stop();
      }
      const ms = Date.now() - started;
      if (o.json) process.stdout.write(JSON.stringify({ ...r, ms }, null, 2) + '\n');
      else {
        process.stdout.write(
          `indexed ${r.cards} cards from ${Object.keys(r.manifest.guides).length} guides into ${cfg.indexDir} in ${ms} ms\n` +
            `  rebuilt: ${r.rebuilt.join(', ') || 'none'}\n  unchanged: ${r.reused.join(', ') || 'none'}\n` +
            (r.removed.length ? `  removed: ${r.removed.join(', ')}\n` : '') +
            `  embedder: ${r.manifest.embedder.id} (${r.manifest.embedder.dimensions} dimensions)\n`,
        );
      }
    });

  cmd
    .command('cards')
    .description('list the problem cards parsed from the guides (to check a new guide parses)')
    .option('-g, --guide <id>', 'only this guide')
    .option('--json', 'print full cards as JSON')
    .option('--checks', 'with each card, the checks its diagnosis commands suggest')
    .action((o: { guide?: string; json?: boolean; checks?: boolean }) => {
      const cfg = loadConfig();
      const guides = readGuides(cfg.knowledgeDir).filter((g) => !o.guide || g.guide === o.guide);
      if (o.guide && guides.length === 0) throw new UsageError(`no guide "${o.guide}" in ${cfg.knowledgeDir}`);
      const parsed = guides.flatMap((g) => parseGuide(g.guide, g.text));
      const cards = o.checks ? parsed.map((c) => ({ ...c, suggestedChecks: planChecks(c) })) : parsed;
      if (o.json) process.stdout.write(JSON.stringify(cards, null, 2) + '\n');
      else {
        for (const c of cards) {
          process.stdout.write(
            `${c.id}  [${c.kind}] lines ${c.lines.start}-${c.lines.end}  errors ${c.errorLines.length}, steps ${c.solutions.length}, commands ${c.commands.length}` +
              ('suggestedChecks' in c ? `, checks: ${(c.suggestedChecks as Array<{ name: string }>).map((x) => x.name).join(' ') || '-'}` : '') +
              '\n',
          );
        }
        process.stdout.write(`${cards.length} cards\n`);
      }
    });

  cmd
    .command('check')
    .description('run a registered node\'s checks now and print a pass/warn/fail table (exit 1 when any fails)')
    .argument('[node]', 'a node name from medic.yaml')
    .option('--check <name>', 'only this check')
    .option('--all', 'every node')
    .option('--json', 'print the results as JSON')
    .option('--queue', 'run through the checks queue and a medic worker, and wait (needs Redis)')
    .action(async (name: string | undefined, o: { check?: string; all?: boolean; json?: boolean; queue?: boolean }) => {
      const [{ checksOf, renderTable, runNode }, { resolveRedis }, { Producer }, { closeOwnConnections }, { openStore }] = await Promise.all([
        import('./checks/run.js'),
        import('./store/redis.js'),
        import('./queue/producer.js'),
        import('./queue/outbox.js'),
        import('./app.js'),
      ]);
      const cfg = loadConfig();
      if (cfg.nodes.length === 0) throw new UsageError(`no nodes in ${cfg.configFile ?? 'medic.yaml (none found)'}; declare them under "nodes:" (see medic.example.yaml)`);
      const nodes = o.all ? cfg.nodes : cfg.nodes.filter((n) => n.name === name);
      if (!o.all && !name) throw new UsageError('name a node, or use --all');
      if (nodes.length === 0) throw new UsageError(`no node "${name}"; known: ${cfg.nodes.map((n) => n.name).join(', ')}`);
      const results = [];
      const redis = o.queue ? await resolveRedis(cfg.redisUrl, cfg.redisTopology) : null;
      if (o.queue && !redis) throw new UsageError('--queue needs Redis: set REDIS_URL');
      const producer = redis ? new Producer(redis, cfg.redisPrefix) : null;
      try {
        for (const node of nodes) {
          const specs = checksOf(node, cfg.systems).filter((c) => !o.check || c.name === o.check);
          if (o.check && specs.length === 0) throw new UsageError(`node ${node.name} has no check "${o.check}"`);
          if (producer) results.push(...(await producer.runChecks({ node: node.name, ...(o.check ? { checks: [o.check] } : {}) })));
          else results.push(...(await runNode(node, specs, cfg.queues.checks.perNode)));
        }
      } finally {
        await producer?.close();
        await closeOwnConnections();
        redis?.disconnect();
      }
      if (!o.queue) {
        const store = await openStore(cfg);
        await store.addCheckResults(results);
        await store.close();
      }
      process.stdout.write(o.json ? JSON.stringify(results, null, 2) + '\n' : renderTable(results) + '\n');
      if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
    });

  cmd
    .command('worker')
    .description('run the job processors (BullMQ) for the given queues; needs Redis')
    .option('--queues <names>', 'comma-separated queues', WORKER_QUEUES.join(','))
    .action(async (o: { queues: string }) => {
      const [{ resolveRedis }, { RedisRecordStore }, { createLogger }, { startWorkers }, { closeOwnConnections }] = await Promise.all([
        import('./store/redis.js'),
        import('./store/redis-store.js'),
        import('./log.js'),
        import('../workers/index.js'),
        import('./queue/outbox.js'),
      ]);
      const cfg = loadConfig();
      const queues = o.queues.split(',').map((q) => q.trim()).filter(Boolean);
      const unknown = queues.filter((q) => !WORKER_QUEUES.includes(q as QueueName));
      if (unknown.length) throw new UsageError(`no worker for ${unknown.join(', ')}; available: ${WORKER_QUEUES.join(', ')}`);
      const redis = await resolveRedis(cfg.redisUrl, cfg.redisTopology);
      if (!redis) throw new UsageError('medic worker needs Redis: set REDIS_URL (or run one on 127.0.0.1:6379)');
      const store = new RedisRecordStore(redis, cfg.redisPrefix);
      const log = createLogger();
      let stopNow: () => void = () => {};
      const stopped = new Promise<void>((resolve) => (stopNow = resolve));
      process.once('SIGTERM', () => stopNow());
      process.once('SIGINT', () => stopNow());
      const w = startWorkers({ cfg, redis, store, log, queues: queues as QueueName[] });
      await Promise.all(w.workers.map((x) => x.waitUntilReady()));
      process.stderr.write(`medic: worker consuming ${queues.join(', ')}\n`);
      await stopped;
      process.stderr.write('medic: worker finishing current jobs\n');
      await w.close();
      await store.close();
      await closeOwnConnections();
      process.stderr.write('medic: worker stopped\n');
    });

  cmd
    .command('nodes')
    .description('list registered nodes, their checks and their last status')
    .option('--json', 'print as JSON')
    .action(async (o: { json?: boolean }) => {
      const [{ checksOf, nodeStatus }, { openStore }] = await Promise.all([import('./checks/run.js'), import('./app.js')]);
      const cfg = loadConfig();
      const store = await openStore(cfg);
      const rows = [];
      for (const n of cfg.nodes) {
        const last = await store.checkHistory(n.name, 1);
        const status = nodeStatus(last);
        rows.push({ name: n.name, system: n.system, host: n.host, labels: n.labels, checks: checksOf(n, cfg.systems).map((c) => c.name), status, lastChecked: last[0]?.at ?? null, last });
      }
      await store.close();
      if (o.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      else if (rows.length === 0) process.stdout.write('no nodes registered; declare them under "nodes:" in medic.yaml\n');
      else for (const r of rows) process.stdout.write(`${r.name}  ${r.system}  ${r.host}  ${r.status}${r.lastChecked ? ` (checked ${r.lastChecked})` : ''}  checks: ${r.checks.join(', ')}\n`);
    });

  cmd
    .command('console')
    .description('the local front door: paste errors, read answers, press buttons by number (no tokens needed)')
    .action(async () => {
      const [{ openServices }, { runConsole }] = await Promise.all([import('./app.js'), import('./chat/adapters/console.js')]);
      const cfg = loadConfig();
      const svc = await openServices(cfg, { inlineJobs: true });
      process.stderr.write(svc.mode + '\n');
      try {
        await runConsole(svc);
      } finally {
        await svc.close();
      }
    });

  cmd
    .command('serve')
    .description('run the bot: Discord and Slack front doors whose tokens are set, /health and /metrics over HTTP')
    .action(async () => {
      const [{ openServices }, { serve }, { closeOwnConnections }] = await Promise.all([import('./app.js'), import('./chat/serve.js'), import('./queue/outbox.js')]);
      const cfg = loadConfig();
      const svc = await openServices(cfg, { defaultMetrics: true });
      process.stderr.write(svc.mode + '\n');
      // Listen for SIGTERM before saying we are up, so a stop right after start is graceful.
      let stopNow: () => void = () => {};
      const stopped = new Promise<void>((resolve) => (stopNow = resolve));
      process.once('SIGTERM', () => stopNow());
      process.once('SIGINT', () => stopNow());
      const s = await serve(svc);
      const doors = [s.discord ? 'Discord connected' : '', s.slack ? `Slack connected (${cfg.slack?.appToken ? 'Socket Mode' : 'HTTP events at /slack/events'})` : ''].filter(Boolean);
      process.stderr.write(`medic: serving /health and /metrics on port ${s.port}${doors.length ? `; ${doors.join('; ')}` : ''}\n`);
      await stopped;
      process.stderr.write('medic: shutting down\n');
      await s.stop();
      await svc.close();
      await closeOwnConnections();
    });

  cmd
    .command('register-commands')
    .description('register the Discord slash commands and the "Triage with Medic" message action')
    .requiredOption('--application <id>', 'the Discord application id')
    .option('--guild <id>', 'register in one server only (shows at once); otherwise globally')
    .action(async (o: { application: string; guild?: string }) => {
      const { registerDiscordCommands } = await import('./chat/adapters/discord.js');
      const cfg = loadConfig();
      if (!cfg.discord) throw new UsageError('set DISCORD_TOKEN to register commands');
      const n = await registerDiscordCommands({ ...cfg.discord, applicationId: o.application, ...(o.guild ? { guildId: o.guild } : {}) });
      process.stdout.write(`registered ${n} commands ${o.guild ? `in guild ${o.guild}` : 'globally'}\n`);
    });

  registerFit(cmd, (cfg) => openEngine(cfg));

  cmd
    .command('start')
    .description('serve Discord and/or Slack when their tokens are set, otherwise open the console')
    .action(async () => {
      const cfg = loadConfig();
      await program().parseAsync(['node', 'medic', cfg.discord || cfg.slack ? 'serve' : 'console']);
    });

  return cmd;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    // A verb may set its own exit code (medic check: 1 when a check fails).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof IndexError) {
      process.stderr.write(`medic: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`medic: ${(err as Error).message ?? String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv);
