import { findLine } from '../inventory.js';
import { type Analyzer, type Verdict, valuesOf } from './analyzer.js';

/** Kubernetes' quantity grammar: `500m`, `2`, `1Gi`, `1e3`. */
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;
const RESOURCE_KEYS = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage', 'nvidia.com/gpu']);

/** Resource requests and limits that Kubernetes rejects (`2GB`, `1.5 cores`, `500Mb`). */
export const k8sQuantities: Analyzer = {
  name: 'k8s-quantities',
  async run(view) {
    const out: Verdict[] = [];
    let seen = 0;
    for (const c of view.configs.filter((c) => c.entry.format === 'yaml' || c.entry.format === 'json')) {
      for (const doc of c.docs) {
        for (const section of [...valuesOf(doc, 'requests'), ...valuesOf(doc, 'limits')]) {
          if (!section.value || typeof section.value !== 'object' || Array.isArray(section.value)) continue;
          for (const [key, raw] of Object.entries(section.value as Record<string, unknown>)) {
            if (!RESOURCE_KEYS.has(key)) continue;
            seen++;
            const value = String(raw);
            if (typeof raw === 'number' || QUANTITY.test(value)) continue;
            const at = findLine(c.text, new RegExp(`${key.replace(/[./]/g, '\\$&')}\\s*:\\s*["']?${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
            out.push({
              outcome: 'fail',
              system: 'hourglass',
              title: `Invalid resource quantity ${key}: ${value}`,
              message: `${c.entry.name}: ${section.path.join('.')}.${key} is "${value}", which Kubernetes does not accept. Use forms like "500m", "2", "1Gi" or "512Mi".`,
              evidence: at ? [{ file: c.entry.name, line: at.line, text: at.text }] : [],
              query: 'Invalid resource format resource limits',
            });
          }
        }
      }
    }
    if (seen && !out.length) out.push({ outcome: 'pass', title: 'Resource quantities', message: `${seen} resource requests and limits, all valid.`, evidence: [] });
    return out;
  },
};
