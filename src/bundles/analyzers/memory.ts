import { findLine } from '../inventory.js';
import { type Analyzer, type Verdict, snapshotsOf } from './analyzer.js';

const TOPIC = /memory|oom/i;

const UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, Ki: 1024, M: 1024 ** 2, Mi: 1024 ** 2, G: 1024 ** 3, Gi: 1024 ** 3, T: 1024 ** 4, Ti: 1024 ** 4 };

function bytes(s: string): number {
  const m = /^([\d.]+)([KMGT]i?|B)?$/.exec(s);
  // Plain numbers are kibibytes (`free` without -h).
  return m ? Number(m[1]) * (m[2] ? UNITS[m[2]]! : 1024) : NaN;
}

/** Low memory from `free` output: under 10% available fails, under 20% warns. */
export const memory: Analyzer = {
  name: 'memory',
  async run(view) {
    const out: Verdict[] = [];
    for (const f of snapshotsOf(view, 'free')) {
      const text = await view.files.text(f);
      const header = findLine(text, /^\s+total\s+used\s+free/);
      const mem = findLine(text, /^Mem:/);
      if (!header || !mem) continue;
      const names = header.text.trim().split(/\s+/);
      const vals = mem.text.trim().split(/\s+/).slice(1);
      const col = (n: string) => bytes(vals[names.indexOf(n)] ?? '');
      const total = col('total');
      const available = names.includes('available') ? col('available') : col('free') + (names.includes('buff/cache') ? col('buff/cache') : 0);
      if (!Number.isFinite(total) || !Number.isFinite(available) || total <= 0) continue;
      const pct = Math.round((available / total) * 100);
      const outcome = pct < 10 ? 'fail' : pct < 20 ? 'warn' : 'pass';
      out.push({
        outcome,
        title: outcome === 'pass' ? 'Memory' : `Low memory: ${pct}% available`,
        message: `${vals[names.indexOf('available')] ?? '?'} of ${vals[names.indexOf('total')]} is available (${pct}%).${outcome === 'pass' ? '' : ' Model loads and builds get OOM-killed when memory runs out.'}`,
        evidence: outcome === 'pass' ? [] : [{ file: f.name, line: mem.line, text: mem.text }],
        ...(outcome === 'pass' ? {} : { query: 'out of memory OOM killed', topic: TOPIC }),
      });
    }
    return out;
  },
};
