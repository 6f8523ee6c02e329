import { bareTitle, type ProblemCard } from './card.js';
import { termCounts, tokenize } from '../text/tokens.js';

export const FIELDS = ['title', 'context', 'errors', 'symptoms', 'causes', 'body'] as const;
export type Field = (typeof FIELDS)[number];

/** Field weights within the problem description (title, errors, symptoms, causes). */
export const FIELD_WEIGHTS: Record<Field, number> = { title: 3, context: 0.7, errors: 3, symptoms: 2, causes: 1.2, body: 1 };
/**
 * How much the fix text counts next to the problem description. It is saturated on its own,
 * so the many incidental words in commands and config cannot outweigh the symptoms.
 */
export const BODY_WEIGHT = 0.35;
const PROBLEM_FIELDS = FIELDS.filter((f) => f !== 'body');
const B = 0.6;
const K1 = 1.2;

export function cardFieldText(c: ProblemCard): Record<Field, string> {
  return {
    // "Problem:", "Issue:" and list numbers ("2. ") name nothing.
    title: bareTitle(c.title),
    context: c.path.slice(0, -1).map((h) => h.replace(/^\d+\.\s*/, '')).join(' \n'),
    errors: c.errorLines.join('\n'),
    symptoms: c.symptoms.join('\n'),
    causes: c.causes.join('\n'),
    body: [
      ...c.body,
      ...c.diagnosis.text,
      ...c.solutions.map((s) => [s.text, ...s.code.map((k) => k.text)].join('\n')),
      ...c.diagnosis.commands,
    ].join('\n'),
  };
}

interface Doc {
  tf: Record<Field, Map<string, number>>;
  len: Record<Field, number>;
}

/** BM25F over problem cards, with per-field length normalisation and weights. */
export class LexicalIndex {
  private readonly docs: Doc[];
  private readonly df = new Map<string, number>();
  private readonly avgLen: Record<Field, number>;
  readonly size: number;

  constructor(cards: ProblemCard[]) {
    this.docs = cards.map((c) => {
      const text = cardFieldText(c);
      const tf = {} as Record<Field, Map<string, number>>;
      const len = {} as Record<Field, number>;
      for (const f of FIELDS) {
        const toks = tokenize(text[f]);
        tf[f] = termCounts(toks);
        len[f] = toks.length;
      }
      return { tf, len };
    });
    this.size = cards.length;
    for (const d of this.docs) {
      const seen = new Set<string>();
      for (const f of FIELDS) for (const t of d.tf[f].keys()) seen.add(t);
      for (const t of seen) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    }
    this.avgLen = {} as Record<Field, number>;
    for (const f of FIELDS) this.avgLen[f] = Math.max(1, this.docs.reduce((s, d) => s + d.len[f], 0) / Math.max(1, this.docs.length));
  }

  idf(term: string): number {
    const df = this.df.get(term) ?? 0;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  has(term: string): boolean {
    return this.df.has(term);
  }

  /** Every term card `i` uses, in any field. */
  terms(i: number): Set<string> {
    const d = this.docs[i];
    return new Set(d ? FIELDS.flatMap((f) => [...d.tf[f].keys()]) : []);
  }

  /** Whether card `i` holds a term: 1 in its problem description, `bodyShare` in its fix alone, else 0. */
  holds(i: number, term: string, bodyShare: number): number {
    const d = this.docs[i];
    if (!d) return 0;
    for (const f of PROBLEM_FIELDS) if (d.tf[f].has(term)) return 1;
    return d.tf.body.has(term) ? bodyShare : 0;
  }

  /** BM25F score of every card for weighted query terms. */
  score(query: Map<string, number>): Float64Array {
    const scores = new Float64Array(this.docs.length);
    for (const [term, qw] of query) {
      if (!this.df.has(term)) continue;
      const idf = this.idf(term);
      for (let i = 0; i < this.docs.length; i++) {
        const d = this.docs[i]!;
        let tf = 0;
        for (const f of PROBLEM_FIELDS) {
          const n = d.tf[f].get(term);
          if (!n) continue;
          tf += (FIELD_WEIGHTS[f] * n) / (1 - B + (B * d.len[f]) / this.avgLen[f]);
        }
        const nb = d.tf.body.get(term) ?? 0;
        const tfBody = nb ? nb / (1 - B + (B * d.len.body) / this.avgLen.body) : 0;
        const sat = tf / (K1 + tf) + BODY_WEIGHT * (tfBody / (K1 + tfBody));
        if (sat > 0) scores[i] = scores[i]! + qw * idf * sat;
      }
    }
    return scores;
  }
}
