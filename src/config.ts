import { existsSync, readFileSync } from 'node:fs';
import { BundleLimitsSchema, DEFAULT_LIMITS } from './bundles/limits.js';
import { parseDocument } from 'yaml';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { NodeSchema, SystemChecksSchema } from './checks/spec.js';
import { ABSTAIN_BELOW } from './triage/scoring.js';
import { problems } from './text/problems.js';
import cronParser from 'cron-parser';

/** A cron pattern BullMQ's scheduler (cron-parser) accepts. */
function isCron(pattern: string): boolean {
  try {
    cronParser.parseExpression(pattern);
    return true;
  } catch {
    return false;
  }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A configuration problem a user can fix; the message says how. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .optional()
  .transform((v) => (v === undefined ? undefined : ['1', 'true', 'yes'].includes(v)));

const EnvSchema = z.object({
  MEDIC_EMBEDDER: z.enum(['use-lite', 'transformers']).default('use-lite'),
  MEDIC_MODEL: z.string().min(1).optional(),
  MEDIC_MODEL_DIR: z.string().min(1).optional(),
  MEDIC_ALLOW_REMOTE_MODELS: flag,
  MEDIC_MODEL_QUANTIZED: flag,
  MEDIC_DATA_DIR: z.string().min(1).optional(),
  MEDIC_KNOWLEDGE_DIR: z.string().min(1).optional(),
  MEDIC_CONFIG: z.string().min(1).optional(),
  DISCORD_TOKEN: z.string().min(1).optional(),
  DISCORD_API_URL: z.string().url().optional(),
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_APP_TOKEN: z.string().min(1).optional(),
  SLACK_API_URL: z.string().url().optional(),
  REDIS_URL: z.string().min(1).optional(),
  MEDIC_REDIS_PREFIX: z.string().regex(/^[\w:.-]+$/).optional(),
  MEDIC_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  GITHUB_TOKEN: z.string().min(1).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  MEDIC_LLM_MODEL: z.string().min(1).optional(),
  MEDIC_LLM_RERANK: flag,
  GITHUB_API_URL: z.string().url().optional(),
  MEDIC_WEBHOOK_TOKEN: z.string().min(16, 'at least 16 characters (a random token, such as `openssl rand -hex 24`)').optional(),
});

const Who = z
  .object({
    discordRoles: z.array(z.string()).default([]),
    slackUsers: z.array(z.string()).default([]),
    slackUsergroups: z.array(z.string()).default([]),
  })
  .strict();

/** A channel per platform (a name or an id), where one name does not fit both. */
const PerPlatformChannels = z
  .object({
    discord: z.string({ error: 'a channel name, or an id in quotes (YAML reads bare Discord ids as imprecise numbers)' }).min(1).optional(),
    slack: z.string().min(1).optional(),
  })
  .strict()
  .default({});

/** medic.yaml: every key optional. Sections for later capabilities are accepted as they are. */
const FileSchema = z
  .object({
    chat: z
      .object({
        /** Where pastes are triaged; `{ name, system }` also reads that channel's pastes as the system's first. */
        channels: z
          .array(z.union([z.string().min(1), z.object({ name: z.string().min(1), system: z.string().min(1) }).strict()]))
          .min(1)
          .default(['troubleshooting']),
        digestChannel: z.string().min(1).default('ops-digest'),
        permissions: z
          .object({ check: Who.optional(), digest: Who.optional(), escalate: Who.optional(), learn: Who.optional(), silence: Who.optional(), collect: Who.optional() })
          .strict()
          .default({}),
        rateLimit: z.object({ perUserPerMinute: z.number().int().min(1).max(1000).default(10) }).strict().default({ perUserPerMinute: 10 }),
      })
      .strict()
      .default({ channels: ['troubleshooting'], digestChannel: 'ops-digest', permissions: {}, rateLimit: { perUserPerMinute: 10 } }),
    server: z.object({ port: z.number().int().min(0).max(65535).default(8080) }).strict().default({ port: 8080 }),
    queues: z
      .object({
        checks: z
          .object({ concurrency: z.number().int().min(1).max(256).default(16), perNode: z.number().int().min(1).max(32).default(4) })
          .strict()
          .default({ concurrency: 16, perNode: 4 }),
        bundles: z
          .object({ concurrency: z.number().int().min(1).max(16).default(2) })
          .strict()
          .default({ concurrency: 2 }),
        /** How long a worker holds a job before another may take it over (stalled-job recovery). */
        lockMs: z.number().int().min(1000).max(600_000).default(30_000),
      })
      .strict()
      .default({ checks: { concurrency: 16, perNode: 4 }, bundles: { concurrency: 2 }, lockMs: 30_000 }),
    /** Redis through Sentinel, or a Redis Cluster; otherwise REDIS_URL. */
    redis: z
      .union([
        z
          .object({
            sentinels: z.array(z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535).default(26379) }).strict()).min(1),
            name: z.string().min(1),
            db: z.number().int().min(0).max(15).optional(),
          })
          .strict(),
        z.object({ cluster: z.array(z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }).strict()).min(1) }).strict(),
      ])
      .optional(),
    nodes: z.array(NodeSchema).default([]),
    systems: SystemChecksSchema.default({}),
    digest: z
      .object({
        cron: z.string().refine(isCron, 'a cron pattern such as "0 9 * * *" (minute hour day month weekday)').default('0 9 * * *'),
        timezone: z.string().refine(isTimeZone, 'an IANA time zone such as "UTC" or "Europe/Berlin"').default('UTC'),
        /** A triage thread with no "Fixed it" after this long is listed as unresolved. */
        unresolvedHours: z.number().int().min(1).max(24 * 30).default(24),
        /** Where the digest goes per platform (a channel id or name); default chat.digestChannel. */
        channels: PerPlatformChannels,
      })
      .strict()
      .default({ cron: '0 9 * * *', timezone: 'UTC', unresolvedHours: 24, channels: {} }),
    escalation: z
      .object({
        github: z
          .object({
            repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name'),
            /** A repository per system, overriding `repo`. */
            systems: z.record(z.string(), z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name')).default({}),
          })
          .strict()
          .optional(),
        /** A recently closed match: reopen it, or only comment. */
        onClosed: z.enum(['reopen', 'comment']).default('reopen'),
        /** Closed longer ago than this: a new issue that links the old one. */
        recentDays: z.number().int().min(0).max(3650).default(30),
      })
      .strict()
      .default({ onClosed: 'reopen', recentDays: 30 }),
    bundles: BundleLimitsSchema.default(DEFAULT_LIMITS),
    /** Folders of Markdown runbooks beside the guides, each optionally tied to a system (a guide's name). */
    knowledge: z
      .array(z.object({ path: z.string().min(1), system: z.string().regex(/^[\w-]+$/, 'a system: a guide name, such as lloom').optional() }).strict())
      .default([]),
    collect: z
      .object({
        /** The whole collection from one node. */
        budgetSeconds: z.number().int().min(5).max(600).default(60),
        /** One command. */
        commandSeconds: z.number().int().min(1).max(300).default(20),
        /** All output together; each command's output is also capped. */
        maxMB: z.number().min(1).max(500).default(50),
      })
      .strict()
      .default({ budgetSeconds: 60, commandSeconds: 20, maxMB: 50 }),
    alerts: z
      .object({
        /** Where alert threads open: a channel name or id, per platform if they differ. */
        channel: z.string().min(1).default('ops-alerts'),
        channels: PerPlatformChannels,
        /** Label matchers to a registered node or a system, tried after the `node` and `instance` labels. */
        routes: z
          .array(
            z
              .object({
                match: z.record(z.string(), z.string()).refine((m) => Object.keys(m).length > 0, 'at least one label'),
                node: z.string().min(1).optional(),
                system: z.string().regex(/^[\w-]+$/, 'a system: a guide name, such as lloom').optional(),
              })
              .strict()
              .refine((r) => r.node || r.system, 'a route names a node or a system'),
          )
          .default([]),
        /** A group's thread gets at most one new line in this many seconds; the rest are counted into the next. */
        lineEverySeconds: z.number().int().min(0).max(3600).default(60),
      })
      .strict()
      .default({ channel: 'ops-alerts', channels: {}, routes: [], lineEverySeconds: 60 }),
    triage: z
      .object({
        /** Answer when the fitted probability that some guide section fixes the paste is at least this; higher answers less, and less wrongly. */
        answerAbove: z.number().min(0.05).max(0.95).default(ABSTAIN_BELOW),
        /**
         * The bot (`medic serve`): how long a paste may wait for the sentence model's turn on a
         * near-tie before it is answered from the lexical ranking. An idle model is always used.
         */
        denseWaitMs: z.number().int().min(0).max(60_000).default(50),
      })
      .strict()
      .default({ answerAbove: ABSTAIN_BELOW, denseWaitMs: 50 }),
    llm: z
      .object({
        model: z.string().min(1).optional(),
        /** The whole LLM step of one answer, retries included; past it, the extractive answer. */
        budgetMs: z.number().int().min(500).max(120_000).default(8000),
        /** One request. */
        timeoutMs: z.number().int().min(500).max(120_000).default(6000),
        retries: z.number().int().min(0).max(5).default(2),
        maxTokens: z.number().int().min(64).max(8192).default(700),
        /** What the prompt may take, in tokens (paste and cards are trimmed to fit). */
        contextTokens: z.number().int().min(1000).max(200_000).default(6000),
        /** Let the model choose among close candidates (still only retrieved ones). */
        rerank: z.boolean().default(false),
      })
      .strict()
      .default({ budgetMs: 8000, timeoutMs: 6000, retries: 2, maxTokens: 700, contextTokens: 6000, rerank: false }),
  })
  .strict();

export type FileConfig = z.infer<typeof FileSchema>;
export type Permission = 'check' | 'digest' | 'escalate' | 'learn' | 'silence' | 'collect';

export type EmbedderConfig =
  | { kind: 'use-lite' }
  | { kind: 'transformers'; model: string; modelDir?: string; allowRemote: boolean; quantized: boolean };

/** A folder of runbooks: every Markdown file in it, read as `system`'s. */
export interface RunbookFolder {
  /** As written in medic.yaml (citations show it). */
  path: string;
  dir: string;
  system: string;
}

export interface MedicConfig {
  knowledgeDir: string;
  /** `knowledge:` in medic.yaml. */
  runbooks: RunbookFolder[];
  dataDir: string;
  indexDir: string;
  embedder: EmbedderConfig;
  /** The medic.yaml that was read, if any. */
  configFile: string | null;
  chat: FileConfig['chat'];
  server: FileConfig['server'];
  nodes: FileConfig['nodes'];
  queues: FileConfig['queues'];
  systems: FileConfig['systems'];
  bundles: FileConfig['bundles'];
  escalation: FileConfig['escalation'];
  digest: FileConfig['digest'];
  triage: FileConfig['triage'];
  alerts: FileConfig['alerts'];
  collect: FileConfig['collect'];
  /** MEDIC_WEBHOOK_TOKEN: the bearer token alert webhooks must carry; null turns them off. */
  webhookToken: string | null;
  /** The model, when one is configured (a key or a base URL, and a model name); null means extractive answers only. */
  llm: (Omit<FileConfig['llm'], 'model'> & { model: string; apiKey: string; baseURL?: string }) | null;
  github: { token: string; apiUrl?: string } | null;
  discord: { token: string; apiUrl?: string } | null;
  slack: { botToken: string; signingSecret?: string; appToken?: string; apiUrl?: string } | null;
  redisUrl: string | null;
  redisTopology: FileConfig['redis'] | null;
  /** Key prefix for everything Medic keeps in Redis. */
  redisPrefix: string;
}

/** A model is used when the environment names a key or a compatible server, and a model. */
function llmConfig(e: z.infer<typeof EnvSchema>, file: FileConfig['llm']): MedicConfig['llm'] {
  if (!e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) return null;
  const model = e.MEDIC_LLM_MODEL ?? file.model;
  // A key set for other tools is not a request to use a model: it takes a model name too.
  if (!model) return null;
  const { model: _m, ...rest } = file;
  // Local servers (LM Studio, Ollama, vLLM) take any key.
  return { ...rest, model, apiKey: e.OPENAI_API_KEY ?? 'not-needed', ...(e.OPENAI_BASE_URL ? { baseURL: e.OPENAI_BASE_URL } : {}), rerank: e.MEDIC_LLM_RERANK ?? rest.rerank };
}

function clusterSafe(prefix: string, cluster: boolean): string {
  if (!cluster || /\{[^}]+\}/.test(prefix)) return prefix;
  return `{${prefix.replace(/:$/, '')}}:`;
}

/** Reads medic.yaml; one error line per problem, each with its path in the file. */
function readFileConfig(path: string): FileConfig {
  let raw: unknown = {};
  const doc = parseDocument(readFileSync(path, 'utf8'));
  if (doc.errors.length) throw new ConfigError(`${path}: ${doc.errors.map((e) => e.message.split('\n')[0]).join('; ')}`);
  raw = doc.toJS() ?? {};
  const parsed = FileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = problems(parsed.error).map((p) => `  ${p}`);
    throw new ConfigError(`${path} is invalid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The folder this package is installed in (holds the shipped knowledge/ and prompts/). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): MedicConfig {
  // An empty variable (`DISCORD_TOKEN=` in a .env file) means unset.
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    throw new ConfigError(`invalid environment: ${problems(parsed.error).join('; ')}`);
  }
  const e = parsed.data;
  const localKnowledge = resolve(cwd, 'knowledge');
  const knowledgeDir = e.MEDIC_KNOWLEDGE_DIR
    ? resolve(cwd, e.MEDIC_KNOWLEDGE_DIR)
    : existsSync(localKnowledge)
      ? localKnowledge
      : resolve(PACKAGE_ROOT, 'knowledge');
  if (!existsSync(knowledgeDir)) throw new ConfigError(`knowledge folder ${knowledgeDir} does not exist; set MEDIC_KNOWLEDGE_DIR`);
  const dataDir = resolve(cwd, e.MEDIC_DATA_DIR ?? 'data');
  let embedder: EmbedderConfig = { kind: 'use-lite' };
  if (e.MEDIC_EMBEDDER === 'transformers') {
    if (!e.MEDIC_MODEL) throw new ConfigError('MEDIC_EMBEDDER=transformers needs MEDIC_MODEL (a folder under MEDIC_MODEL_DIR, or a hub id)');
    embedder = {
      kind: 'transformers',
      model: e.MEDIC_MODEL,
      ...(e.MEDIC_MODEL_DIR ? { modelDir: resolve(cwd, e.MEDIC_MODEL_DIR) } : {}),
      allowRemote: e.MEDIC_ALLOW_REMOTE_MODELS ?? false,
      quantized: e.MEDIC_MODEL_QUANTIZED ?? true,
    };
  }
  const explicit = e.MEDIC_CONFIG ? resolve(cwd, e.MEDIC_CONFIG) : null;
  if (explicit && !existsSync(explicit)) throw new ConfigError(`config file ${explicit} does not exist`);
  const configFile = explicit ?? (existsSync(resolve(cwd, 'medic.yaml')) ? resolve(cwd, 'medic.yaml') : null);
  const file = configFile ? readFileConfig(configFile) : FileSchema.parse({});
  if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
    throw new ConfigError('SLACK_BOT_TOKEN needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP events)');
  }
  const base = configFile ? dirname(configFile) : cwd;
  file.alerts.routes.forEach((r, i) => {
    if (r.node && !file.nodes.some((n) => n.name === r.node)) {
      throw new ConfigError(`alerts.routes[${i}].node: "${r.node}" is not a registered node (${file.nodes.map((n) => n.name).join(', ') || 'nodes: is empty'})`);
    }
  });
  const runbooks = file.knowledge.map((k, i): RunbookFolder => {
    const dir = resolve(base, k.path);
    if (!existsSync(dir)) throw new ConfigError(`knowledge[${i}].path: the folder ${dir} does not exist (paths are relative to ${configFile ?? 'the working directory'})`);
    // A folder tied to no system is a system of its own, named after the folder.
    return { path: k.path, dir, system: k.system ?? (basename(dir).toLowerCase().replace(/[^\w-]+/g, '-') || 'runbooks') };
  });
  return {
    knowledgeDir,
    runbooks,
    dataDir,
    indexDir: resolve(dataDir, 'index'),
    embedder,
    configFile,
    chat: file.chat,
    server: e.MEDIC_PORT !== undefined ? { port: e.MEDIC_PORT } : file.server,
    nodes: file.nodes,
    queues: file.queues,
    systems: file.systems,
    bundles: file.bundles,
    escalation: file.escalation,
    digest: file.digest,
    triage: file.triage,
    alerts: file.alerts,
    collect: file.collect,
    webhookToken: e.MEDIC_WEBHOOK_TOKEN ?? null,
    llm: llmConfig(e, file.llm),
    github: e.GITHUB_TOKEN ? { token: e.GITHUB_TOKEN, ...(e.GITHUB_API_URL ? { apiUrl: e.GITHUB_API_URL } : {}) } : null,
    discord: e.DISCORD_TOKEN ? { token: e.DISCORD_TOKEN, ...(e.DISCORD_API_URL ? { apiUrl: e.DISCORD_API_URL } : {}) } : null,
    slack: e.SLACK_BOT_TOKEN
      ? {
          botToken: e.SLACK_BOT_TOKEN,
          ...(e.SLACK_SIGNING_SECRET ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}),
          ...(e.SLACK_APP_TOKEN ? { appToken: e.SLACK_APP_TOKEN } : {}),
          ...(e.SLACK_API_URL ? { apiUrl: e.SLACK_API_URL } : {}),
        }
      : null,
    redisUrl: e.REDIS_URL ?? null,
    redisTopology: file.redis ?? null,
    // In a Cluster every key Medic uses must hash to one slot (multi-key commands, BullMQ).
    redisPrefix: clusterSafe(e.MEDIC_REDIS_PREFIX ?? 'medic:', Boolean(file.redis && 'cluster' in file.redis)),
  };
}
