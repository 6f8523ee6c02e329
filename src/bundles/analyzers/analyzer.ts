import type { Cluster } from '../drain.js';
import type { FileReader, InventoryEntry, ParsedConfig } from '../inventory.js';

/** A line that shows a finding, as `file:line`. Redacted before it leaves the process. */
export interface Evidence {
  file: string;
  line: number;
  text: string;
}

/** One analyzer's verdict, as troubleshoot.sh gives it; the analyzer's name is stamped where it runs. */
export interface Verdict {
  outcome: 'fail' | 'warn' | 'pass';
  title: string;
  message: string;
  evidence: Evidence[];
  /** The system the finding belongs to, when the analyzer knows. */
  system?: string;
  /** Text in the guides' own words, to find the section that fixes it. */
  query?: string;
  /** What a fixing section's title must be about (for generic findings like a full disk). */
  topic?: RegExp;
}

/** A verdict with the name of the analyzer that gave it. */
export type AnalyzerResult = Verdict & { analyzer: string };

/** What an analyzer may look at: the inventory, whole files, parsed configs and the log clusters. */
export interface BundleView {
  entries: InventoryEntry[];
  files: FileReader;
  configs: ParsedConfig[];
  clusters: Cluster[];
}

/** One analyzer per file, one interface, one registry (as k8sgpt does). */
export interface Analyzer {
  name: string;
  run(view: BundleView): Promise<Verdict[]>;
}

/** Every value under `key`, at any depth, with the path to it. */
export function valuesOf(doc: unknown, key: string, path: string[] = []): Array<{ path: string[]; value: unknown; parent: Record<string, unknown> }> {
  if (!doc || typeof doc !== 'object') return [];
  const out: Array<{ path: string[]; value: unknown; parent: Record<string, unknown> }> = [];
  if (Array.isArray(doc)) doc.forEach((d, i) => out.push(...valuesOf(d, key, [...path, String(i)])));
  else {
    for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
      if (k === key) out.push({ path: [...path, k], value: v, parent: doc as Record<string, unknown> });
      out.push(...valuesOf(v, key, [...path, k]));
    }
  }
  return out;
}

/** The snapshot files of one kind. */
export function snapshotsOf(view: BundleView, kind: InventoryEntry['snapshots'][number]): InventoryEntry[] {
  return view.entries.filter((e) => e.snapshots.includes(kind));
}
