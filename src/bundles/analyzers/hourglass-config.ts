import { findLine } from '../inventory.js';
import { type Analyzer, type Verdict, valuesOf } from './analyzer.js';

/** Hourglass configs: performers with different `deployment_mode`s, and Kubernetes mode without a `kubernetes:` section. */
export const hourglassConfig: Analyzer = {
  name: 'hourglass-config',
  async run(view) {
    const out: Verdict[] = [];
    for (const c of view.configs.filter((c) => c.entry.format === 'yaml')) {
      for (const doc of c.docs) {
        const modes = valuesOf(doc, 'deployment_mode').map((m) => String(m.value));
        if (!modes.length) continue;
        const distinct = [...new Set(modes)];
        const first = findLine(c.text, /deployment_mode\s*:/);
        const ev = first ? [{ file: c.entry.name, line: first.line, text: first.text }] : [];
        if (distinct.length > 1) {
          out.push({ outcome: 'fail', system: 'hourglass', title: 'Mixed deployment modes', message: `${c.entry.name} sets deployment_mode to ${distinct.map((d) => `"${d}"`).join(' and ')}; every performer must use the same mode.`, evidence: ev, query: 'mixed deployment modes not supported' });
        } else if (distinct[0] === 'kubernetes' && valuesOf(doc, 'kubernetes').length === 0) {
          out.push({ outcome: 'fail', system: 'hourglass', title: 'Kubernetes mode without a kubernetes: section', message: `${c.entry.name} uses deployment_mode "kubernetes" but has no kubernetes: section (namespace, CRD group, in_cluster).`, evidence: ev, query: 'kubernetes configuration is required' });
        } else {
          out.push({ outcome: 'pass', system: 'hourglass', title: 'Hourglass deployment mode', message: `${c.entry.name}: deployment_mode "${distinct[0]}" throughout.`, evidence: [] });
        }
      }
    }
    return out;
  },
};
