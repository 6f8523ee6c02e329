import type { Facts } from '../condition.js';
import type { CheckKind } from '../kind.js';
import { nodeUrl } from '../kind.js';
import { fetchOnNode, trustOf } from './http.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (comments and timestamps ignored). */
export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (!l || l.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+([^\s]+)/.exec(l);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const lm of (m[3] ?? '').matchAll(/([a-zA-Z_]\w*)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, '$1');
    const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]);
    if (!Number.isNaN(value)) out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/** `METRIC:name{a="b"}`: the sample with that name whose labels include the given ones. */
function lookup(samples: Sample[], placeholder: string): number | undefined {
  const m = /^METRIC:([a-zA-Z_:][\w:]*)(?:\{(.*)\})?$/.exec(placeholder);
  if (!m) return undefined;
  const want: Record<string, string> = {};
  for (const lm of (m[2] ?? '').matchAll(/([a-zA-Z_]\w*)\s*=\s*"([^"]*)"/g)) want[lm[1]!] = lm[2]!;
  const matches = samples.filter((s) => s.name === m[1] && Object.entries(want).every(([k, v]) => s.labels[k] === v));
  // Without labels, several series (one per worker) are summarised by their maximum.
  return matches.length ? Math.max(...matches.map((s) => s.value)) : undefined;
}

export const metrics: CheckKind = {
  kind: 'metrics',
  defaults: ['[STATUS] == 200'],
  async measure(ctx) {
    const r = await fetchOnNode(nodeUrl(ctx), ctx.signal, trustOf(ctx.spec));
    const samples = parsePrometheus(r.body);
    const facts: Facts = { CONNECTED: true, STATUS: r.status, RESPONSE_TIME: Math.round(r.ms), SAMPLES: samples.length };
    for (const c of ctx.conditions) {
      if (!c.placeholder.startsWith('METRIC:')) continue;
      const v = lookup(samples, c.placeholder);
      if (v !== undefined) facts[c.placeholder] = v;
    }
    return facts;
  },
};
