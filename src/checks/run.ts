import { type ConditionResult, evaluate, parseCondition } from './condition.js';
import { KINDS } from './registry.js';
import type { CheckSpec, NodeSpec } from './spec.js';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  node: string;
  system: string;
  check: string;
  kind: string;
  status: CheckStatus;
  /** One line a person can act on. */
  message: string;
  conditions: ConditionResult[];
  durationMs: number;
  at: string;
}

/** Runs one check against a registered node. Never throws: a failure is a result. */
export async function runCheck(node: NodeSpec, spec: CheckSpec): Promise<CheckResult> {
  const started = performance.now();
  const base = { node: node.name, system: node.system, check: spec.name, kind: spec.kind, at: new Date().toISOString() };
  const finish = (status: CheckStatus, message: string, conditions: ConditionResult[] = []): CheckResult => ({
    ...base,
    status,
    message,
    conditions,
    durationMs: Math.round(performance.now() - started),
  });
  const kind = KINDS.get(spec.kind);
  if (!kind) return finish('fail', `the ${spec.kind} check kind is not available in this version of Medic`);
  const conditions = [...new Set([...(kind.always?.(spec) ?? []), ...(spec.conditions.length ? spec.conditions : kind.defaults)])].map(parseCondition);
  const signal = AbortSignal.timeout(spec.timeoutMs);
  let facts;
  try {
    facts = await kind.measure({ node, spec, conditions, signal });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = signal.aborted ? `timed out after ${spec.timeoutMs} ms` : (e.cause?.code ?? e.message);
    return finish(spec.severity, `${spec.kind} ${spec.name}: ${why}`);
  }
  const results = conditions.map((c) => evaluate(c, facts));
  const failed = results.filter((r) => !r.ok);
  if (failed.length === 0) return finish('pass', `${results.map((r) => `${r.condition.split(/\s/)[0]} ${r.actual}`).join(', ')}`, results);
  const detail = failed.map((r) => `${r.condition} (got ${r.actual})`).join('; ');
  const error = typeof facts.ERROR === 'string' ? ` [${facts.ERROR}]` : '';
  return finish(spec.severity, `failed: ${detail}${error}`, results);
}

/** The checks a node runs: its system's, then its own (a node's check replaces a system check of the same name). */
export function checksOf(node: NodeSpec, systems: Record<string, { checks: CheckSpec[] }>): CheckSpec[] {
  const own = new Map(node.checks.map((c) => [c.name, c]));
  const inherited = (systems[node.system]?.checks ?? []).filter((c) => !own.has(c.name));
  return [...inherited, ...node.checks];
}

/** A compact pass/warn/fail table. */
export function renderTable(results: CheckResult[]): string {
  const rows = results.map((r) => [r.node, r.check, r.kind, r.status.toUpperCase(), `${r.durationMs} ms`, r.message]);
  const head = ['NODE', 'CHECK', 'KIND', 'STATUS', 'TIME', 'DETAIL'];
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

/** A node's state from its latest results: up, degraded (a warning), down (a failure), or unknown. */
export function nodeStatus(latest: CheckResult[]): 'up' | 'degraded' | 'down' | 'unknown' {
  if (latest.length === 0) return 'unknown';
  if (latest.some((r) => r.status === 'fail')) return 'down';
  return latest.some((r) => r.status === 'warn') ? 'degraded' : 'up';
}
