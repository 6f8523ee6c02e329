import { redact } from '../text/redact.js';

/**
 * Redacts what a report quotes and keeps a tally per file of what was hidden, as
 * troubleshoot.sh reports it. A file read whole is tallied whole; a log is tallied by the
 * lines Medic quotes from it.
 */
export class Redactor {
  private readonly quoted = new Map<string, Record<string, number>>();
  private readonly whole = new Map<string, Record<string, number>>();

  text(s: string, file: string): string {
    const r = redact(s);
    if (Object.keys(r.hidden).length) add(this.quoted, file, r.hidden);
    return r.text;
  }

  /** Tallies a whole file without quoting it. */
  count(s: string, file: string): void {
    const r = redact(s);
    if (Object.keys(r.hidden).length) add(this.whole, file, r.hidden);
  }

  summary(): Array<{ file: string; hidden: Record<string, number> }> {
    const files = new Set([...this.quoted.keys(), ...this.whole.keys()]);
    return [...files].sort().map((file) => ({ file, hidden: this.whole.get(file) ?? this.quoted.get(file)! }));
  }
}

function add(map: Map<string, Record<string, number>>, file: string, hidden: Record<string, number>): void {
  const t = map.get(file) ?? {};
  for (const [k, n] of Object.entries(hidden)) t[k] = (t[k] ?? 0) + n;
  map.set(file, t);
}
