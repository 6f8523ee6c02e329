import { durationMs } from '../text/duration.js';
/**
 * Gatus-style conditions: `[STATUS] == 200`, `[RESPONSE_TIME] < 500`, `[BODY].status == ok`,
 * `[CERTIFICATE_EXPIRATION] > 72h`, `[METRIC:name{label="x"}] == 0`, `[MODELS] contains llama-3`.
 */
export type Operator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | '!contains';

export interface Condition {
  source: string;
  placeholder: string;
  /** A JSON path after the placeholder: `[BODY].data.status` gives `data.status`. */
  path: string | null;
  op: Operator;
  expected: string;
}

export class ConditionError extends Error {
  override name = 'ConditionError';
}

const PATTERN = /^\s*\[([A-Z_]+(?::[^\]]+)?)\]((?:\.[\w-]+|\[\d+\])*)\s*(==|!=|<=|>=|<|>|!contains|contains)\s*(.+?)\s*$/;

export function parseCondition(source: string): Condition {
  const m = PATTERN.exec(source);
  if (!m) throw new ConditionError(`cannot read condition "${source}": expected "[PLACEHOLDER] <op> value", e.g. "[STATUS] == 200"`);
  const path = m[2] ? m[2].replace(/^\./, '') : null;
  return { source, placeholder: m[1]!, path: path || null, op: m[3] as Operator, expected: m[4]!.replace(/^"(.*)"$/, '$1') };
}

/** Facts a check measured, by placeholder name (`STATUS`, `BODY`, `METRIC:x{...}`, ...). */
export type Facts = Record<string, unknown>;


function pick(value: unknown, path: string | null): unknown {
  if (!path) return value;
  let cur: unknown = typeof value === 'string' ? safeJson(value) : value;
  for (const part of path.split(/\.|\[(\d+)\]/).filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return null;
}

export interface ConditionResult {
  condition: string;
  ok: boolean;
  /** What was measured, as shown to people. */
  actual: string;
}

/** Evaluates one condition against measured facts. A missing fact fails with a reason. */
export function evaluate(c: Condition, facts: Facts): ConditionResult {
  const key = c.placeholder;
  if (!(key in facts)) return { condition: c.source, ok: false, actual: `no ${key} measured` };
  const value = pick(facts[key], c.path);
  const show = (v: unknown) => (Array.isArray(v) ? v.join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  const result = (ok: boolean): ConditionResult => ({ condition: c.source, ok, actual: show(value) });
  if (c.op === 'contains' || c.op === '!contains') {
    const has = Array.isArray(value) ? value.some((x) => String(x).includes(c.expected)) : String(value ?? '').includes(c.expected);
    return result(c.op === 'contains' ? has : !has);
  }
  // Durations compare against millisecond facts ([CERTIFICATE_EXPIRATION] > 72h).
  const expectedNum = durationMs(c.expected) ?? asNumber(c.expected);
  const actualNum = asNumber(value);
  if (expectedNum !== null && actualNum !== null) {
    const ok = { '==': actualNum === expectedNum, '!=': actualNum !== expectedNum, '<': actualNum < expectedNum, '<=': actualNum <= expectedNum, '>': actualNum > expectedNum, '>=': actualNum >= expectedNum }[c.op];
    return result(ok);
  }
  if (c.op === '==' || c.op === '!=') {
    const eq = String(value) === c.expected;
    return result(c.op === '==' ? eq : !eq);
  }
  return { condition: c.source, ok: false, actual: `${show(value)} is not a number` };
}
