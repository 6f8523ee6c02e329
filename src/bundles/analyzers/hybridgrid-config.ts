import { findLine } from '../inventory.js';
import { type Analyzer, type Verdict, valuesOf } from './analyzer.js';
import { durationSeconds } from './duration.js';

/** The guide's default (Hybridgrid guide, "Compilation Timeouts"). */
const DEFAULT_TASK_TIMEOUT = 300;

/** Hybridgrid configs: the build cache turned off, and a `task_timeout` below the default. */
export const hybridgridConfig: Analyzer = {
  name: 'hybridgrid-config',
  async run(view) {
    const out: Verdict[] = [];
    for (const c of view.configs.filter((c) => c.entry.format === 'yaml')) {
      const ours = c.entry.system === 'hybridgrid' || /hybridgrid|\bhg[-_]/i.test(c.entry.name);
      for (const doc of c.docs) {
        const timeouts = valuesOf(doc, 'task_timeout');
        const caches = valuesOf(doc, 'cache').filter((x) => x.value && typeof x.value === 'object' && 'enabled' in (x.value as object));
        if (!ours && !timeouts.length) continue;
        for (const cache of caches) {
          if ((cache.value as { enabled: unknown }).enabled !== false) continue;
          const at = findLine(c.text, /^\s*enabled\s*:\s*false/);
          out.push({ outcome: 'warn', system: 'hybridgrid', title: 'Build cache disabled', message: `${c.entry.name}: ${cache.path.join('.')}.enabled is false, so every task is compiled again (cache hit rate 0%).`, evidence: at ? [{ file: c.entry.name, line: at.line, text: at.text }] : [], query: 'Cache hit rate is 0%, rebuilding everything cache disabled' });
        }
        for (const t of timeouts) {
          const secs = durationSeconds(t.value);
          if (secs === null || secs >= DEFAULT_TASK_TIMEOUT) continue;
          const at = findLine(c.text, /task_timeout\s*:/);
          out.push({ outcome: 'warn', system: 'hybridgrid', title: `Short task_timeout: ${String(t.value)}`, message: `${c.entry.name}: ${t.path.join('.')} is ${String(t.value)}, below the ${DEFAULT_TASK_TIMEOUT / 60}m default; long compilations end in "deadline exceeded".`, evidence: at ? [{ file: c.entry.name, line: at.line, text: at.text }] : [], query: 'Tasks timeout, stderr shows "deadline exceeded" task_timeout' });
        }
      }
    }
    return out;
  },
};
