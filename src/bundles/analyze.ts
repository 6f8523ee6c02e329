import { clip } from '../text/clip.js';
import type { Citation } from '../reply/reply.js';
import { planChecks } from '../checks/planner.js';
import type { TriageEngine } from '../triage/engine.js';
import { citation, displayTitle } from '../triage/answer.js';
import { ANALYZERS, type AnalyzerResult, type BundleView, type Evidence } from './analyzers/index.js';
import { type Cluster, Drain, LEVEL_RANK } from './drain.js';
import { classify, classifyHead, FileReader, HEAD_BYTES, type InventoryEntry } from './inventory.js';
import type { BundleLimits } from './limits.js';
import { Redactor } from './redactor.js';
import { type FileScan, LogScanner, scanLog } from './scan.js';
import { type EntrySink, unpackBundle, type UnpackProgress } from './unpack.js';

export type Severity = 'fail' | 'warn' | 'info';

/** The guide section that fixes a finding. */
export interface Fix {
  cardId: string;
  title: string;
  guide: string;
  confidence: number;
  citation: Citation;
  steps: string[];
  commands: string[];
}

export interface Finding {
  severity: Severity;
  source: 'logs' | 'analyzer';
  analyzer: string | null;
  title: string;
  message: string;
  count: number;
  firstSeen: string | null;
  lastSeen: string | null;
  system: string | null;
  /** `file:line` and the line, redacted. */
  evidence: Evidence[];
  fix: Fix | null;
  /** Checks the planner derives from the fix, to run on a registered node. */
  checks: Array<{ name: string; kind: string }>;
}

export interface BundleReport {
  bundle: string;
  analyzedAt: string;
  durationMs: number;
  input: { bytes: number; unpackedBytes: number; files: number };
  systems: Array<{ system: string; files: number }>;
  inventory: {
    counts: Record<InventoryEntry['kind'], number>;
    files: Array<{ name: string; kind: InventoryEntry['kind']; size: number; format?: string; snapshots: string[]; system: string | null }>;
  };
  logs: { files: number; lines: number; errors: number; warnings: number; templates: number; firstTime: string | null; lastTime: string | null };
  findings: Finding[];
  passed: Array<{ analyzer: string; title: string; message: string }>;
  redactions: Array<{ file: string; hidden: Record<string, number> }>;
  notes: string[];
}

export type AnalyzeProgress =
  | ({ stage: 'unpacking' } & UnpackProgress)
  | { stage: 'scanning'; done: number; total: number; file: string }
  | { stage: 'matching'; done: number; total: number };

export interface AnalyzeOptions {
  limits: BundleLimits;
  /** The name people know the bundle by (an upload's file name). */
  name?: string;
  onProgress?: (p: AnalyzeProgress) => void;
}

/** Clusters sent to triage: the most severe and most frequent first. */
const MAX_MATCHED_CLUSTERS = 60;
const MAX_EVIDENCE = 5;
/** An evidence line longer than this is cut. */
const EVIDENCE_CHARS = 400;
/** How strongly a log template must match (see fixFor). */
const LOG_ERROR_LINE = 0.5;
const LOG_CONFIDENCE = 0.85;
const MAX_LISTED_FILES = 500;

/**
 * Analyzes a diagnostic bundle: unpacks it safely, sorts its files, scans the logs into
 * templates, runs the analyzers, and matches what is wrong to the guide sections that fix it.
 * The temp folder is removed before this returns, whatever happens.
 */
export async function analyzeBundle(input: string, engine: TriageEngine, opts: AnalyzeOptions): Promise<BundleReport> {
  const started = Date.now();
  const drain = new Drain();
  const samples = new Map<string, string[]>();
  const scanned = new Map<string, FileScan>();
  const scanner = (name: string) => {
    const sample: string[] = [];
    samples.set(name, sample);
    return new LogScanner(name, (ev) => {
      if (sample.length < 20) sample.push(ev.message);
      drain.add(ev.message, ev.level, { file: ev.file, line: ev.line, text: ev.text, trace: ev.trace.slice(0, 8) }, ev.time);
    });
  };
  // Logs are scanned as they come out of the archive, while the rest unpacks.
  const sink = (name: string) => new SniffingSink(name, scanner, (scan) => scanned.set(name, scan));
  const unpacked = await unpackBundle(input, opts.limits, { ...(opts.name ? { name: opts.name } : {}), onProgress: (p) => opts.onProgress?.({ stage: 'unpacking', ...p }), sink });
  try {
    const entries = await Promise.all(unpacked.files.map(classify));
    const files = new FileReader();
    const logs = entries.filter((e) => e.kind === 'log');
    const scans: FileScan[] = [];
    for (const [i, e] of logs.entries()) {
      opts.onProgress?.({ stage: 'scanning', done: i, total: logs.length, file: e.name });
      const s = scanned.get(e.name) ?? (await scanLog(e.abs, scanner(e.name)));
      scans.push(s);
    }
    opts.onProgress?.({ stage: 'scanning', done: logs.length, total: logs.length, file: '' });

    const configs = await Promise.all(entries.filter((e) => e.kind === 'config').map((e) => files.config(e)));
    for (const e of entries) {
      const cfg = configs.find((c) => c.entry === e);
      const text = `${e.name.replace(/[/._-]+/g, ' ')}\n${cfg ? cfg.text.slice(0, 2000) : (samples.get(e.name) ?? []).join('\n')}`;
      e.system = e.kind === 'log' || e.kind === 'config' ? engine.detectSystem(text).system : null;
    }

    const view: BundleView = { entries, files, configs, clusters: drain.clusters };
    const results: AnalyzerResult[] = (await Promise.all([...ANALYZERS.values()].map(async (a) => (await a.run(view)).map((v) => ({ ...v, analyzer: a.name }))))).flat();
    const systems = new Map<string, number>();
    for (const e of entries) if (e.system) systems.set(e.system, (systems.get(e.system) ?? 0) + 1);
    const main = [...systems].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
    const redactor = new Redactor();
    const findings = await matchFindings(engine, drain.clusters, results, redactor, main, opts.onProgress);
    await countSecretsInReadFiles(entries, files, redactor);
    const counts = { log: 0, config: 0, snapshot: 0, cert: 0, other: 0 };
    for (const e of entries) counts[e.kind]++;
    const times = scans.flatMap((s) => [s.firstTime, s.lastTime]).filter((t): t is string => Boolean(t)).sort();
    return {
      bundle: unpacked.name,
      analyzedAt: new Date().toISOString(),
      durationMs: Date.now() - started,
      input: { bytes: unpacked.inputBytes, unpackedBytes: unpacked.unpackedBytes, files: entries.length },
      systems: [...systems].map(([system, n]) => ({ system, files: n })).sort((a, b) => b.files - a.files),
      inventory: {
        counts,
        files: entries.slice(0, MAX_LISTED_FILES).map((e) => ({ name: e.name, kind: e.kind, size: e.size, ...(e.format ? { format: e.format } : {}), snapshots: e.snapshots, system: e.system ?? null })),
      },
      logs: {
        files: logs.length,
        lines: scans.reduce((n, s) => n + s.lines, 0),
        errors: scans.reduce((n, s) => n + s.errors, 0),
        warnings: scans.reduce((n, s) => n + s.warnings, 0),
        templates: drain.clusters.length,
        firstTime: times[0] ?? null,
        lastTime: times.at(-1) ?? null,
      },
      findings,
      passed: results.filter((r) => r.outcome === 'pass').map((r) => ({ analyzer: r.analyzer, title: r.title, message: redactor.text(r.message, '(analyzer messages)') })),
      redactions: redactor.summary(),
      notes: [...unpacked.notes, ...(drain.overflow ? [`${drain.overflow} lines came after ${drain.clusters.length} templates and were counted only`] : []), ...(entries.length > MAX_LISTED_FILES ? [`the inventory lists the first ${MAX_LISTED_FILES} of ${entries.length} files`] : [])],
    };
  } finally {
    await unpacked.cleanup();
  }
}

const RANK: Record<Severity, number> = { fail: 3, warn: 2, info: 1 };

/** Findings ranked by severity, then by count. */
/**
 * Each evidence line counts under one finding. Findings that cite exactly the same lines are one
 * fact seen twice (two analyzers reading one broken file): the one with a fix stays. A line cited
 * by a finding ranked higher is left out of the others, and a finding left with none is dropped.
 */
function oneFindingPerLine(ranked: Finding[]): Finding[] {
  const out: Finding[] = [];
  const sameLines = new Map<string, number>();
  const claimed = new Set<string>();
  const at = (e: Evidence) => `${e.file}:${e.line}`;
  for (const f of ranked) {
    const key = f.evidence.length ? f.evidence.map(at).sort().join('\n') : null;
    const twin = key === null ? undefined : sameLines.get(key);
    if (twin !== undefined) {
      if (!out[twin]!.fix && f.fix) out[twin] = f;
      continue;
    }
    if (key !== null) sameLines.set(key, out.length);
    const evidence = f.evidence.filter((e) => !claimed.has(at(e)));
    for (const e of f.evidence) claimed.add(at(e));
    // Every line of it already stands under findings ranked higher: it adds nothing.
    if (f.evidence.length && !evidence.length) continue;
    out.push(evidence.length === f.evidence.length ? f : { ...f, evidence });
  }
  return out;
}

export function rankFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => RANK[b.severity] - RANK[a.severity] || b.count - a.count || a.title.localeCompare(b.title));
}

async function matchFindings(engine: TriageEngine, clusters: Cluster[], results: AnalyzerResult[], redactor: Redactor, mainSystem: string | null, onProgress?: AnalyzeOptions['onProgress']): Promise<Finding[]> {
  const ranked = [...clusters].sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || b.count - a.count).slice(0, MAX_MATCHED_CLUSTERS);
  const queries = results.filter((r) => r.outcome !== 'pass');
  const total = ranked.length + queries.length;
  let done = 0;
  const fixFor = async (text: string, scope: { system: string | null; topic?: RegExp } | null): Promise<Fix | null> => {
    const system = scope?.system ?? null;
    const r = await engine.triage(system ? `${system}\n${text}` : text, { top: scope?.topic ? 10 : 1, explain: true });
    onProgress?.({ stage: 'matching', done: ++done, total });
    let id: string | null | undefined;
    if (!scope) {
      // Every line of a bundle names its system, so the system is no evidence for a log
      // template: it must match a guide's error line, or match strongly on its own words.
      const top = (r.explain as { candidates?: Array<{ errorLine: number }> } | undefined)?.candidates?.[0];
      id = r.abstain || (top && top.errorLine < LOG_ERROR_LINE && r.confidence < LOG_CONFIDENCE) ? null : r.matches[0]?.id;
    } else if (scope.topic) {
      // A generic finding (a full disk) takes the best section about its topic in its system's guide, if there is one.
      id = r.matches.find((m) => (!system || m.guide === system) && scope.topic!.test(m.title))?.id;
    } else {
      id = r.abstain || (system && r.matches[0]?.guide !== system) ? null : r.matches[0]?.id;
    }
    const card = id ? engine.card(id) : undefined;
    if (!card) return null;
    return {
      cardId: card.id,
      title: displayTitle(card),
      guide: card.guide,
      confidence: r.confidence,
      citation: citation(card),
      steps: card.solutions.slice(0, 3).map((s) => s.text).filter(Boolean),
      commands: [...new Set([...card.diagnosis.commands, ...card.commands])].slice(0, 5),
    };
  };
  const checksOf = (fix: Fix | null) => {
    const card = fix ? engine.card(fix.cardId) : undefined;
    return card ? planChecks(card).map((s) => ({ name: s.name, kind: s.kind })) : [];
  };

  // Log templates that match the same section are one finding.
  const byCard = new Map<string, { fix: Fix; clusters: Cluster[] }>();
  const unknown: Cluster[] = [];
  for (const c of ranked) {
    const ex = c.examples[0]!;
    const fix = await fixFor([ex.text, ...ex.trace].join('\n'), null);
    if (!fix) unknown.push(c);
    else {
      const entry = byCard.get(fix.cardId) ?? { fix, clusters: [] };
      if (fix.confidence > entry.fix.confidence) entry.fix = fix;
      entry.clusters.push(c);
      byCard.set(fix.cardId, entry);
    }
  }
  const evidenceOf = (cs: Cluster[]) => cs.flatMap((c) => c.examples.slice(0, 2)).slice(0, MAX_EVIDENCE).map((e) => ({ file: e.file, line: e.line, text: redactor.text(clip(e.text, EVIDENCE_CHARS), e.file) }));
  const span = (cs: Cluster[]) => {
    const first = cs.map((c) => c.firstSeen).filter((t): t is string => Boolean(t)).sort()[0] ?? null;
    const last = cs.map((c) => c.lastSeen).filter((t): t is string => Boolean(t)).sort().at(-1) ?? null;
    return { firstSeen: first, lastSeen: last };
  };
  const findings: Finding[] = [];
  for (const { fix, clusters: cs } of byCard.values()) {
    const count = cs.reduce((n, c) => n + c.count, 0);
    const worst = cs.reduce((w, c) => Math.max(w, LEVEL_RANK[c.level]), 0);
    const files = new Set(cs.flatMap((c) => [...c.files]));
    findings.push({
      severity: worst >= LEVEL_RANK.error ? 'fail' : 'warn',
      source: 'logs',
      analyzer: null,
      title: fix.title,
      message: `${count} log line${count === 1 ? '' : 's'} in ${files.size} file${files.size === 1 ? '' : 's'} match "${fix.title}" in the ${fix.guide} guide.`,
      count,
      ...span(cs),
      system: fix.guide,
      evidence: evidenceOf(cs),
      fix,
      checks: checksOf(fix),
    });
  }
  for (const c of unknown) {
    findings.push({
      severity: c.level === 'warn' ? 'info' : 'warn',
      source: 'logs',
      analyzer: null,
      title: `Unknown ${c.level === 'warn' ? 'warning' : 'error'}, ${c.count} time${c.count === 1 ? '' : 's'}`,
      message: redactor.text(`No guide section matches "${clip(c.template.replace(/^(?:timestamp )+/, ''), 200)}".`, '(templates)'),
      count: c.count,
      ...span([c]),
      system: null,
      evidence: evidenceOf([c]),
      fix: null,
      checks: [],
    });
  }
  for (const r of queries) {
    const system = r.system ?? mainSystem;
    const fix = r.query ? await fixFor(r.query, { system, ...(r.topic ? { topic: r.topic } : {}) }) : null;
    findings.push({
      severity: r.outcome === 'fail' ? 'fail' : 'warn',
      source: 'analyzer',
      analyzer: r.analyzer,
      title: redactor.text(r.title, '(analyzer messages)'),
      message: redactor.text(r.message, '(analyzer messages)'),
      count: Math.max(1, r.evidence.length),
      firstSeen: null,
      lastSeen: null,
      system: r.system ?? null,
      evidence: r.evidence.slice(0, MAX_EVIDENCE).map((e) => ({ ...e, text: redactor.text(clip(e.text, EVIDENCE_CHARS), e.file) })),
      fix,
      checks: checksOf(fix),
    });
  }
  return oneFindingPerLine(rankFindings(findings));
}

/** Files read whole (configs, snapshots, small text) are counted for secrets in full, as troubleshoot.sh reports. */
async function countSecretsInReadFiles(entries: InventoryEntry[], files: FileReader, redactor: Redactor): Promise<void> {
  for (const e of entries) {
    if (e.kind === 'log' || e.size > 4 * 1024 * 1024) continue;
    if (e.kind === 'other' && e.size === 0) continue;
    redactor.count(await files.text(e), e.name);
  }
}


/** Holds a file's first bytes until it can tell whether it is a log, then scans it as it streams. */
class SniffingSink implements EntrySink {
  private head: Buffer[] = [];
  private headBytes = 0;
  private scanner: LogScanner | null = null;
  private decided = false;
  /** A log is scanned here: on disk only its head is needed (to sort it again). */
  keepBytes = Infinity;

  constructor(
    private readonly name: string,
    private readonly scannerFor: (name: string) => LogScanner,
    private readonly done: (scan: FileScan) => void,
  ) {}

  write(chunk: Buffer): void {
    if (this.scanner) return this.scanner.push(chunk);
    if (this.decided) return;
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes >= HEAD_BYTES) this.decide();
  }

  end(): void {
    if (!this.decided) this.decide();
    if (this.scanner) this.done(this.scanner.end());
  }

  private decide(): void {
    this.decided = true;
    const head = Buffer.concat(this.head);
    this.head = [];
    const kind = classifyHead({ name: this.name, abs: '', size: 0 }, head.subarray(0, HEAD_BYTES)).kind;
    if (kind !== 'log') return;
    this.scanner = this.scannerFor(this.name);
    this.scanner.push(head);
    this.keepBytes = HEAD_BYTES;
  }
}
