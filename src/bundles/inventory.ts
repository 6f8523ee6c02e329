import { LEVEL_MENTION } from '../text/log-level.js';
import { readFile } from 'node:fs/promises';
import { parse as parseEnv } from 'dotenv';
import { parse as parseToml } from 'smol-toml';
import { parseAllDocuments } from 'yaml';
import type { BundleFile } from './unpack.js';
import { readHead } from './unpack.js';
import { looksBinary } from '../text/binary.js';

export type FileKind = 'log' | 'config' | 'snapshot' | 'cert' | 'other';
export type ConfigFormat = 'toml' | 'yaml' | 'json' | 'env';
export type SnapshotKind = 'df' | 'free' | 'nvidia-smi' | 'docker-ps' | 'docker-stats' | 'kubectl-events' | 'kubectl-pods' | 'kubectl-describe' | 'systemctl' | 'uname';

export interface InventoryEntry extends BundleFile {
  kind: FileKind;
  format?: ConfigFormat;
  snapshots: SnapshotKind[];
  /** The system the file belongs to, when its name or content says. */
  system?: string | null;
}

export const HEAD_BYTES = 64 * 1024;
/** Configs, snapshots and certificates are read whole, up to this size. */
export const MAX_READ = 4 * 1024 * 1024;

const SNAPSHOT_SIGNS: Array<[SnapshotKind, RegExp]> = [
  ['df', /Filesystem\s+(?:Size|1K-blocks|1M-blocks|Type)\s+(?:Size\s+)?Used\s+Avail(?:able)?\s+(?:Use|Capacity)%/],
  ['free', /^\s+total\s+used\s+free\b[\s\S]*?^Mem:/m],
  ['nvidia-smi', /NVIDIA-SMI|nvidia-smi|No devices were found|couldn't communicate with the NVIDIA driver/],
  ['docker-stats', /CONTAINER ID\s+NAME\s+CPU %/],
  ['docker-ps', /CONTAINER ID\s+IMAGE\s+COMMAND/],
  ['kubectl-events', /LAST SEEN\s+TYPE\s+REASON\s+OBJECT|^\s*Type\s+Reason\s+Age\s+From\s+Message/m],
  ['kubectl-pods', /^NAME\s+READY\s+STATUS\s+RESTARTS/m],
  ['kubectl-describe', /^Name:\s+\S+[\s\S]*^(?:Namespace|Node|Status):/m],
  ['systemctl', /●\s+\S+\.service|^\s+Loaded: (?:loaded|not-found|masked)/m],
  ['uname', /^Linux \S+ \d+\.\d+\S* /m],
];

const CONFIG_EXT: Array<[RegExp, ConfigFormat]> = [
  [/\.toml$/i, 'toml'],
  [/\.ya?ml$/i, 'yaml'],
  [/\.json$/i, 'json'],
  [/(?:^|\/)\.env(?:\.[\w-]+)?$|\.env$/i, 'env'],
];

const LOG_NAME = /\.(?:log|out|err|jsonl)$|(?:^|[/._-])(?:logs?|journal|journalctl|stderr|stdout|debug|syslog|messages)(?:[/._-]|$)|\.log\.\d+$/i;
/** A log line's marks besides a level word: a syslog prefix, a klog header. */
const LOGLINE = /^\S+ \S+ \S+\[\d+\]:|^[IWEF]\d{4} /;
const TIMEISH = /^\s*(?:\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{2}:)/;

const head = (abs: string, bytes = HEAD_BYTES) => readHead(abs, bytes);

/** Sorts a file into logs, configs, system snapshots, certificates or other, by name and by content. */
export async function classify(file: BundleFile): Promise<InventoryEntry> {
  return classifyHead(file, await head(file.abs));
}

/** The same, from the file's first bytes (up to HEAD_BYTES), as they stream out of an archive. */
export function classifyHead(file: BundleFile, buf: Buffer): InventoryEntry {
  if (looksBinary(buf)) return { ...file, kind: 'other', snapshots: [] };
  const text = buf.toString('utf8');
  if (/\.(?:pem|crt|cer)$/i.test(file.name) || text.includes('-----BEGIN CERTIFICATE-----')) return { ...file, kind: 'cert', snapshots: [] };
  const lines = text.split('\n').slice(0, 40);
  const logish = lines.filter((l) => LEVEL_MENTION.test(l) || LOGLINE.test(l) || TIMEISH.test(l)).length;
  const jsonLines = lines.filter((l) => /^\s*\{.*\}\s*$/.test(l)).length;
  const configFormat = CONFIG_EXT.find(([re]) => re.test(file.name))?.[1];
  if (configFormat && !(configFormat === 'json' && jsonLines > 1) && !LOG_NAME.test(file.name)) return { ...file, kind: 'config', format: configFormat, snapshots: [] };
  const snapshots = SNAPSHOT_SIGNS.filter(([, re]) => re.test(text)).map(([k]) => k);
  // A file named as a log, or that reads like one, is a log even if it quotes a table.
  if (LOG_NAME.test(file.name) || (logish >= 3 && logish >= lines.length / 3) || jsonLines > 2) {
    return { ...file, kind: snapshots.length && !/\.(?:log|jsonl)$/i.test(file.name) && logish < lines.length / 2 ? 'snapshot' : 'log', snapshots };
  }
  if (snapshots.length) return { ...file, kind: 'snapshot', snapshots };
  if (/\.(?:conf|cfg|ini)$/i.test(file.name)) return { ...file, kind: 'config', format: 'env', snapshots };
  return { ...file, kind: logish > 0 ? 'log' : 'other', snapshots };
}

export interface ParsedConfig {
  entry: InventoryEntry;
  text: string;
  /** Each YAML document, or the one parsed object. */
  docs: unknown[];
  error: string | null;
}

/** Reads whole files (configs, snapshots, certificates) once, up to MAX_READ. */
export class FileReader {
  private readonly cache = new Map<string, Promise<string>>();

  text(entry: BundleFile): Promise<string> {
    let t = this.cache.get(entry.abs);
    if (!t) {
      t = entry.size > MAX_READ ? head(entry.abs, MAX_READ).then((b) => b.toString('utf8')) : readFile(entry.abs, 'utf8');
      this.cache.set(entry.abs, t);
    }
    return t;
  }

  async config(entry: InventoryEntry): Promise<ParsedConfig> {
    const text = await this.text(entry);
    try {
      switch (entry.format) {
        case 'toml':
          return { entry, text, docs: [parseToml(text)], error: null };
        case 'yaml': {
          const docs = parseAllDocuments(text);
          const bad = docs.flatMap((d) => d.errors);
          if (bad.length) return { entry, text, docs: [], error: bad[0]!.message.split('\n')[0]! };
          return { entry, text, docs: docs.map((d) => d.toJS()), error: null };
        }
        case 'json':
          return { entry, text, docs: [JSON.parse(text)], error: null };
        default:
          return { entry, text, docs: [parseEnv(text)], error: null };
      }
    } catch (err) {
      return { entry, text, docs: [], error: (err instanceof Error ? err.message : String(err)).split('\n')[0]! };
    }
  }
}

/** The 1-based line of the first line matching `re`, and its text. */
export function findLine(text: string, re: RegExp): { line: number; text: string } | null {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => re.test(l));
  return i < 0 ? null : { line: i + 1, text: lines[i]!.trimEnd() };
}

/** Every line matching `re`, 1-based. */
export function findLines(text: string, re: RegExp): Array<{ line: number; text: string }> {
  return text
    .split('\n')
    .map((t, i) => ({ line: i + 1, text: t.trimEnd() }))
    .filter((l) => re.test(l.text));
}

