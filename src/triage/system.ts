import type { ProblemCard } from '../knowledge/card.js';
import { cardFieldText, FIELDS } from '../knowledge/lexical.js';
import { termCounts, tokenize } from '../text/tokens.js';
import { fenceLanguage, languageCounts } from '../text/languages.js';

export interface SystemGuess {
  /** The guide id the paste most likely belongs to, or null when nothing points anywhere. */
  system: string | null;
  /** Probability per guide; they sum to at most 1, the rest is "unknown". */
  scores: Record<string, number>;
  /** Evidence from outside the paste that was counted, with where it came from. */
  context: SystemHint[];
}

/** Evidence for a system from where the paste was written, not from its text. */
export interface SystemHint {
  guide: string;
  /** How much it counts, in nats (a guide's own name in the paste counts 6). */
  nats: number;
  /** Where it came from: "channel #lloom-help", "node lloom-exec-1", "--system", "earlier in the thread". */
  source: string;
}

const ALPHA = 0.5;
/** Log-likelihood ratio below which a token says nothing about the system. */
const MIN_LLR = 1;
const MAX_LLR = 4;
/** The evidence (in nats) "none of these" starts with; a paste needs more to name a system. */
const UNKNOWN_SCORE = 4;
const TEMPERATURE = 1.5;
/** Identifiers (binary names, log targets, ports, config keys) are near-certain signatures; words are circumstantial. */
const IDENTIFIER = /[^a-z]/;
const WORD_FACTOR = 0.6;
/** The most that words alone can say for one guide, in nats. */
const WORD_CAP = 5;
/** What a paste's language says for a guide that shows only that language, in nats. */
const LANGUAGE_NATS = 2;
const MIN_LANGUAGE_SIGNS = 2;
/** Squared, so a term two guides share equally keeps a third of its weight as a signature. */
const FOCUS_POWER = 2;

/**
 * Signatures learned from the guides themselves: tokens that one guide uses far more than
 * the others (binary names, log targets, CRD groups, ports, distinctive words), weighted by
 * a smoothed log-likelihood ratio so a long guide does not win on size. The guide's own name
 * (its file name) is the strongest signature.
 */
/** The detector as stored beside the index: each term's signature weight per guide, flat. */
export interface DetectorState {
  guides: string[];
  /** A guide's own name (its file name) and its parts. */
  ownName: Array<[string, string]>;
  /** Per language, the guides that show it. */
  languages: Array<[string, string[]]>;
  terms: string[];
  /** Term k's weights are entries offsets[k] .. offsets[k+1]: a guide (its number in `guides`) and a weight. */
  offsets: Int32Array;
  guide: Int32Array;
  weight: Float64Array;
}

export class SystemDetector {
  private readonly term = new Map<string, number>();
  /** Each guide's number in `guides`. */
  private readonly number: Map<string, number>;
  private readonly ownName: Map<string, string>;
  private readonly languages: Map<string, Set<string>>;

  private constructor(private readonly s: DetectorState) {
    s.terms.forEach((t, k) => this.term.set(t, k));
    this.number = new Map(s.guides.map((g, k) => [g, k]));
    this.ownName = new Map(s.ownName);
    this.languages = new Map(s.languages.map(([l, gs]) => [l, new Set(gs)]));
  }

  get guides(): string[] {
    return this.s.guides;
  }

  get state(): DetectorState {
    return this.s;
  }

  static restore(state: DetectorState): SystemDetector {
    return new SystemDetector(state);
  }

  static build(cards: ProblemCard[]): SystemDetector {
    const byGuide = new Map<string, Map<string, number>>();
    const langs = new Map<string, Map<string, number>>();
    for (const c of cards) {
      const text = FIELDS.map((f) => cardFieldText(c)[f]).join('\n') + '\n' + c.path.join('\n');
      // What a guide's logs print and which language its code blocks are in.
      const fenced = c.solutions.flatMap((s) => s.code.map((k) => fenceLanguage(k.lang))).filter((l): l is string => l !== null);
      for (const [l, n] of [...languageCounts(text), ...fenced.map((l) => [l, 1] as const)]) {
        const per = langs.get(l) ?? new Map<string, number>();
        per.set(c.guide, (per.get(c.guide) ?? 0) + n);
        langs.set(l, per);
      }
      const counts = byGuide.get(c.guide) ?? new Map<string, number>();
      for (const [t, n] of termCounts(tokenize(text))) counts.set(t, (counts.get(t) ?? 0) + n);
      byGuide.set(c.guide, counts);
    }
    const guides = [...byGuide.keys()].sort();
    // How much of a guide is code says little about how many of its users' errors are: a
    // guide that shows a language at all speaks it.
    const languages = [...langs].map(([l, per]) => [l, [...per].filter(([, n]) => n >= MIN_LANGUAGE_SIGNS).map(([g]) => g)] as [string, string[]]);
    const ownName = new Map(guides.flatMap((g) => tokenize(g).map((t) => [t, g] as const)));
    const total = new Map<string, number>();
    for (const counts of byGuide.values()) for (const [t, n] of counts) total.set(t, (total.get(t) ?? 0) + n);
    const vocab = total.size;
    const size = new Map([...byGuide].map(([g, counts]) => [g, [...counts.values()].reduce((a, b) => a + b, 0)]));
    const all = [...size.values()].reduce((a, b) => a + b, 0);
    const terms: string[] = [];
    const offsets: number[] = [];
    const guide: number[] = [];
    const weight: number[] = [];
    for (const [t, sum] of total) {
      if (/^\d{1,2}$/.test(t)) continue;
      const focus = concentration(guides.map((g) => (byGuide.get(g)!.get(t) ?? 0) / size.get(g)!)) ** FOCUS_POWER;
      const start = guide.length;
      guides.forEach((g, k) => {
        const n = byGuide.get(g)!.get(t) ?? 0;
        if (n === 0) return;
        const inG = (n + ALPHA) / (size.get(g)! + ALPHA * vocab);
        const elsewhere = (sum - n + ALPHA) / (all - size.get(g)! + ALPHA * vocab);
        const llr = Math.log(inG / elsewhere);
        let w: number | null = null;
        if (ownName.get(t) === g) w = MAX_LLR + 2;
        // A word every guide uses (timeout, refused, docker) says what went wrong, not where.
        else if (llr >= MIN_LLR) w = Math.min(MAX_LLR, llr) * focus * (IDENTIFIER.test(t) ? 1 : WORD_FACTOR);
        if (w !== null) {
          guide.push(k);
          weight.push(w);
        }
      });
      if (guide.length > start) {
        terms.push(t);
        offsets.push(start);
      }
    }
    offsets.push(guide.length);
    return new SystemDetector({ guides, ownName: [...ownName], languages, terms, offsets: Int32Array.from(offsets), guide: Int32Array.from(guide), weight: Float64Array.from(weight) });
  }

  /** `tokens` are the paste's query terms; `text` is the paste itself, read for its language. */
  detect(tokens: Iterable<string>, text: string, hints: SystemHint[] = []): SystemGuess {
    const guides = this.s.guides;
    const ids = new Float64Array(guides.length);
    const words = new Float64Array(guides.length);
    const number = this.number;
    const context = hints.filter((h) => number.has(h.guide));
    for (const h of context) ids[number.get(h.guide)!]! += h.nats;
    for (const l of languageCounts(text).keys()) for (const g of this.languages.get(l) ?? []) ids[number.get(g)!]! += LANGUAGE_NATS;
    for (const t of new Set(tokens)) {
      const k = this.term.get(t);
      if (k === undefined) continue;
      const into = IDENTIFIER.test(t) || this.ownName.has(t) ? ids : words;
      for (let e = this.s.offsets[k]!; e < this.s.offsets[k + 1]!; e++) into[this.s.guide[e]!]! += this.s.weight[e]!;
    }
    // Many everyday words (paths, "run", "target") add up to little: only identifiers are signatures.
    const exp = guides.map((_, g) => Math.exp((ids[g]! + WORD_CAP * (1 - Math.exp(-words[g]! / WORD_CAP))) / TEMPERATURE));
    const sum = exp.reduce((a, b) => a + b, 0) + Math.exp(UNKNOWN_SCORE / TEMPERATURE);
    const scores = Object.fromEntries(guides.map((g, k) => [g, exp[k]! / sum]));
    const best = guides.reduce<string | null>((b, g) => (b === null || scores[g]! > scores[b]! ? g : b), null);
    return { system: best && scores[best]! >= 0.5 ? best : null, scores, context };
  }

  /** The signature tokens of a guide that occur in the paste, strongest first. */
  evidence(tokens: Iterable<string>, guide: string): string[] {
    const g = this.s.guides.indexOf(guide);
    const weightFor = (t: string): number => {
      const k = this.term.get(t);
      if (k === undefined) return 0;
      for (let e = this.s.offsets[k]!; e < this.s.offsets[k + 1]!; e++) if (this.s.guide[e] === g) return this.s.weight[e]!;
      return 0;
    };
    return [...new Set(tokens)]
      .map((t) => [t, weightFor(t)] as const)
      .filter(([, w]) => w > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([t]) => t);
  }
}

/**
 * How much of a term's use is in one guide: 1 when only one guide uses it, 0 when all use it
 * at the same rate (one minus the normalised entropy of its per-guide rates).
 */
export function concentration(rates: number[]): number {
  const sum = rates.reduce((a, b) => a + b, 0);
  if (sum <= 0 || rates.length < 2) return 1;
  let h = 0;
  for (const r of rates) if (r > 0) h -= (r / sum) * Math.log(r / sum);
  return 1 - h / Math.log(rates.length);
}
