import { lineTemplate } from '../text/mask.js';

export type Level = 'fatal' | 'error' | 'warn';
export const LEVEL_RANK: Record<Level, number> = { fatal: 3, error: 2, warn: 1 };

/** One place a cluster's line was seen. */
export interface Example {
  file: string;
  line: number;
  text: string;
  /** Stack-trace lines that followed it. */
  trace: string[];
}

/** A log template and how often, where and when it occurred. */
export interface Cluster {
  id: number;
  template: string;
  level: Level;
  count: number;
  firstSeen: string | null;
  lastSeen: string | null;
  files: Set<string>;
  examples: Example[];
  tokens: string[];
}

export interface DrainOptions {
  /** Share of equal tokens for a line to join a cluster. */
  similarity: number;
  maxClusters: number;
  examples: number;
}

const WILDCARD = '<*>';
const DEFAULTS: DrainOptions = { similarity: 0.5, maxClusters: 5000, examples: 3 };

/**
 * Log template mining in the manner of Drain (He et al., 2017): lines are masked, then
 * routed by token count and first token to a small set of clusters, and joined to the most
 * similar one above the threshold, whose differing tokens become wildcards. Memory is
 * bounded by `maxClusters`, so any volume of logs costs the same.
 */
export class Drain {
  private readonly opts: DrainOptions;
  private readonly tree = new Map<string, Cluster[]>();
  readonly clusters: Cluster[] = [];
  /** Lines that came after the cluster limit was reached. */
  overflow = 0;

  /** Masked templates by a cheap key: masking costs far more than the rest of a line's trip. */
  private readonly templates = new Map<string, string>();

  constructor(opts: Partial<DrainOptions> = {}) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  private template(message: string): string {
    // Tokens with digits (times, ids, addresses, counts) are what masking replaces anyway.
    const key = message.replace(/\S*\d\S*/g, '#');
    let t = this.templates.get(key);
    if (t === undefined) {
      t = lineTemplate(message);
      if (this.templates.size < 50_000) this.templates.set(key, t);
    }
    return t;
  }

  add(message: string, level: Level, at: Example, time: string | null): Cluster | null {
    const masked = this.template(message);
    const tokens = masked.split(' ').slice(0, 64);
    const first = tokens[0] ?? '';
    const key = `${tokens.length}|${/\d|mask/.test(first) ? WILDCARD : first}`;
    const leaf = this.tree.get(key) ?? [];
    let best: Cluster | null = null;
    let bestSim = -1;
    for (const c of leaf) {
      const sim = similarity(c.tokens, tokens);
      if (sim > bestSim) {
        bestSim = sim;
        best = c;
      }
    }
    if (best && bestSim >= this.opts.similarity) {
      for (let i = 0; i < tokens.length; i++) if (best.tokens[i] !== tokens[i]) best.tokens[i] = WILDCARD;
      best.template = best.tokens.join(' ');
    } else {
      if (this.clusters.length >= this.opts.maxClusters) {
        this.overflow++;
        return null;
      }
      best = { id: this.clusters.length + 1, template: masked, level, count: 0, firstSeen: null, lastSeen: null, files: new Set(), examples: [], tokens };
      leaf.push(best);
      this.tree.set(key, leaf);
      this.clusters.push(best);
    }
    best.count++;
    if (LEVEL_RANK[level] > LEVEL_RANK[best.level]) best.level = level;
    best.files.add(at.file);
    if (time) {
      if (!best.firstSeen || time < best.firstSeen) best.firstSeen = time;
      if (!best.lastSeen || time > best.lastSeen) best.lastSeen = time;
    }
    if (best.examples.length < this.opts.examples && !best.examples.some((e) => e.text === at.text)) best.examples.push(at);
    return best;
  }
}

function similarity(a: string[], b: string[]): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i] && a[i] !== WILDCARD) same++;
  return a.length ? same / a.length : 1;
}
