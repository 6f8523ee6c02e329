import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { bullPrefix } from '../../src/queue/names.js';
import { Producer } from '../../src/queue/producer.js';
import { FakeDiscord } from '../../test/fakes/discord.js';
import { FakeGitHub } from '../../test/fakes/github.js';
import { FakeOpenAI } from '../../test/fakes/openai.js';
import { FakeSlack } from '../../test/fakes/slack.js';
import { ROOT, tempDir } from '../../test/helpers.js';
import { startPersistentRedis, type PersistentRedis } from '../../test/redis.js';

/** Nodes the workers check: each answers /health after CHECK_DELAY_MS, so jobs are in flight when a fault comes. */
export const NODES = Array.from({ length: 10 }, (_, i) => `soak-${i + 1}`);
const CHECK_DELAY_MS = 60;
/** Where nothing may ever connect: a host no node is registered on. */
export const CANARY_HOST = '127.0.0.2';
export const WEBHOOK_TOKEN = 'soak-webhook-token-0123456789abcdef';
export const SIGNING_SECRET = 'soak-signing-secret';

/** A `medic serve` or `medic worker` process, with everything it wrote. */
export interface MedicProcess {
  child: ChildProcess;
  /** Resolves when its stderr has shown `re`. */
  ready(re: RegExp, timeoutMs?: number): Promise<string>;
  rssMB(): number;
  exited(): Promise<number | null>;
}

/**
 * Everything the soak runs against, on loopback: a Redis with an append-only file, the fake
 * Discord, Slack (HTTP events), GitHub and OpenAI, check targets and a canary listener that
 * nothing may reach, and real `medic serve` and `medic worker` processes.
 */
export class Stack {
  readonly dir = tempDir('medic-soak-');
  readonly discord = new FakeDiscord();
  readonly slack = new FakeSlack(SIGNING_SECRET);
  readonly github = new FakeGitHub();
  readonly openai = new FakeOpenAI();
  redis!: PersistentRedis;
  producer!: Producer;
  private producerRedis!: Redis;
  /** Every line a Medic process wrote to stdout or stderr, for the canary count. */
  readonly output: string[] = [];
  /** Requests each check target answered (a worker that reaches Redis runs jobs). */
  readonly checkHits: number[] = [];
  /** Connections to the canary host (TCP accept), from anywhere. */
  canaryContacts = 0;
  private servers: Server[] = [];
  private targetPort = 0;
  canaryPort = 0;
  bot: MedicProcess | null = null;
  private botLlm = false;
  botPort = 0;
  readonly workers: MedicProcess[] = [];
  private procs = new Set<ChildProcess>();

  async start(): Promise<void> {
    await Promise.all([this.discord.start(), this.slack.start(), this.github.start(), this.openai.start()]);
    this.redis = await startPersistentRedis(this.dir);
    this.producerRedis = new Redis(this.redis.url, { maxRetriesPerRequest: null });
    this.producerRedis.on('error', () => {});
    this.producer = new Producer(this.producerRedis, this.redis.prefix);
    const target = createServer((req, res) => {
      this.checkHits.push(Date.now());
      // The node that redirects: its health URL sends the checker to the canary host.
      if (req.url === '/moved') return void res.writeHead(302, { location: `http://${CANARY_HOST}:${this.canaryPort}/stolen` }).end();
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'), CHECK_DELAY_MS);
    });
    const canary = createServer((_req, res) => res.writeHead(200).end('canary'));
    canary.on('connection', (s: Socket) => {
      this.canaryContacts++;
      s.on('error', () => {});
    });
    this.targetPort = await listen(target, '127.0.0.1');
    this.canaryPort = await listen(canary, CANARY_HOST);
    this.servers.push(target, canary);
    writeFileSync(this.configFile, this.config());
    const built = spawnSync(process.execPath, [join(ROOT, 'bin', 'medic.js'), 'index'], { env: this.env(), encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`medic index failed: ${built.stderr}`);
  }

  get configFile(): string {
    return join(this.dir, 'medic.yaml');
  }

  get eventsUrl(): string {
    return `http://127.0.0.1:${this.botPort}/slack/events`;
  }

  private config(): string {
    const node = (name: string) => `  - name: ${name}
    system: lloom
    host: 127.0.0.1
    checks: [{ name: health, kind: http, url: "http://{host}:${this.targetPort}/health", timeoutMs: 5000 }]`;
    return `chat:
  channels: [troubleshooting]
  rateLimit: { perUserPerMinute: 10 }
queues: { lockMs: 2000, checks: { concurrency: 16, perNode: 8 }, bundles: { concurrency: 2 } }
nodes:
${NODES.map(node).join('\n')}
  - name: soak-moved
    system: lloom
    host: 127.0.0.1
    checks: [{ name: health, kind: http, url: "http://{host}:${this.targetPort}/moved" }]
escalation: { github: { repo: acme/ops } }
alerts: { channel: ops-alerts, lineEverySeconds: 0 }
llm: { model: soak-model, budgetMs: 3000, timeoutMs: 2000, retries: 0 }
`;
  }

  /** The environment every Medic process gets; `llm` points it at the fake OpenAI. */
  env(o: { llm?: boolean } = {}): Record<string, string> {
    const keep = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MEDIC_|DISCORD_|SLACK_|REDIS_URL|GITHUB_|OPENAI_)/.test(k))) as Record<string, string>;
    return {
      ...keep,
      MEDIC_CONFIG: this.configFile,
      MEDIC_DATA_DIR: this.dir,
      MEDIC_PORT: '0',
      REDIS_URL: this.redis.url,
      MEDIC_REDIS_PREFIX: this.redis.prefix,
      MEDIC_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
      DISCORD_TOKEN: 'soak-discord-token',
      DISCORD_API_URL: this.discord.apiUrl,
      SLACK_BOT_TOKEN: this.slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: this.slack.apiUrl,
      GITHUB_TOKEN: 'ghp_soakTokenForTheFakeGitHub000000000000',
      GITHUB_API_URL: this.github.apiUrl,
      // Without a key no model is used; the canary scenario sets one.
      ...(o.llm ? { OPENAI_API_KEY: 'sk-soak-fake-key-000000000000000000', OPENAI_BASE_URL: this.openai.baseURL } : {}),
    };
  }

  private spawnMedic(args: string[], env: Record<string, string>, nodeArgs: string[] = []): MedicProcess {
    const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'bin', 'medic.js'), ...args], { cwd: this.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.procs.add(child);
    let err = '';
    const listeners: Array<() => void> = [];
    const keep = (d: Buffer) => this.output.push(d.toString('utf8'));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', (d: Buffer) => {
      keep(d);
      // Only the start of its stderr is needed to see it come up.
      if (err.length < 100_000) err += d.toString('utf8');
      listeners.forEach((l) => l());
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => (this.procs.delete(child), resolve(code))));
    return {
      child,
      exited: () => exit,
      rssMB: () => rssMB(child.pid),
      ready: (re, timeoutMs = 120_000) =>
        new Promise((resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`medic ${args[0]} did not show ${re} in ${timeoutMs} ms:\n${err.slice(-2000)}`)), timeoutMs);
          const check = () => {
            const m = re.exec(err);
            if (m) (clearTimeout(t), resolve(m[0]));
          };
          listeners.push(check);
          void exit.then((code) => (clearTimeout(t), re.test(err) ? undefined : reject(new Error(`medic ${args[0]} exited ${code}:\n${err.slice(-2000)}`))));
          check();
        }),
    };
  }

  /** `nodeArgs` go to node itself (a profile: `--cpu-prof`). */
  async startBot(o: { llm?: boolean; nodeArgs?: string[] } = {}): Promise<MedicProcess> {
    const bot = this.spawnMedic(['serve'], this.env(o), o.nodeArgs);
    this.botLlm = Boolean(o.llm);
    const line = await bot.ready(/on port (\d+)[^\n]*Discord connected/);
    this.botPort = Number(/on port (\d+)/.exec(line)![1]);
    this.bot = bot;
    return bot;
  }

  /** The bot running with the model (or without): restarted only when it runs the other way. */
  async ensureBot(o: { llm: boolean }): Promise<MedicProcess> {
    const bot = this.bot;
    const up = bot && bot.child.exitCode === null && bot.child.signalCode === null;
    if (up && this.botLlm === o.llm) return bot;
    if (up) await this.stop(bot);
    this.botLlm = o.llm;
    return this.startBot(o);
  }

  /** A running worker: the one there is, or a new one. */
  async ensureWorker(): Promise<MedicProcess> {
    return this.workers.find((w) => w.child.exitCode === null && w.child.signalCode === null) ?? (await this.startWorker());
  }

  async startWorker(queues = 'checks,bundles,escalations'): Promise<MedicProcess> {
    const w = this.spawnMedic(['worker', '--queues', queues], this.env());
    await w.ready(/worker consuming/);
    this.workers.push(w);
    return w;
  }

  /** Replies in the outbox that no bot has taken yet. */
  async outboxWaiting(): Promise<number> {
    const q = new Queue('outbox', { connection: { url: this.redis.url }, prefix: bullPrefix(this.redis.prefix) });
    try {
      return await q.count();
    } finally {
      await q.close();
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs` if it is still running; resolves with how it ended. */
  async stop(p: MedicProcess, graceMs = 10_000): Promise<'exited' | 'killed'> {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return 'exited';
    p.child.kill('SIGTERM');
    const ended = await Promise.race([p.exited().then(() => 'exited' as const), sleep(graceMs).then(() => 'late' as const)]);
    if (ended === 'exited') return 'exited';
    p.child.kill('SIGKILL');
    await p.exited();
    return 'killed';
  }

  async close(): Promise<void> {
    for (const c of this.procs) c.kill('SIGKILL');
    await this.producer?.close().catch(() => {});
    this.producerRedis?.disconnect();
    await this.redis?.down();
    await Promise.all([this.discord.stop(), this.slack.stop(), this.github.stop(), this.openai.stop()]);
    for (const s of this.servers) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `test` until it holds or `timeoutMs` passes; returns whether it held. */
export async function until(test: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) return false;
    await sleep(stepMs);
  }
  return true;
}

function listen(s: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, host, () => resolve((s.address() as AddressInfo).port));
  });
}

/** A process's resident memory now, from /proc (0 when it is gone). */
export function rssMB(pid: number | undefined): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 102.4) / 10 : 0;
  } catch {
    return 0;
  }
}
