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

/** A term's cards and what it adds to each, before query weight and IDF (BM25F saturation). */
interface Posting {
  docs: number[];
  sats: number[];
}

/**
 * BM25F over problem cards, with per-field length normalisation and weights. Each term's
 * contribution to a card does not depend on the query, so it is worked out once into a posting
 * list: a query costs the length of its terms' lists, not the size of the corpus.
 */
export class LexicalIndex {
  private readonly postings = new Map<string, Posting>();
  /** Per card, the terms of its problem description and of its fix. */
  private readonly problemTerms: Array<Set<string>>;
  private readonly bodyTerms: Array<Set<string>>;
  readonly size: number;

  constructor(cards: ProblemCard[]) {
    const docs = cards.map((c) => {
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
    const avgLen = {} as Record<Field, number>;
    for (const f of FIELDS) avgLen[f] = Math.max(1, docs.reduce((s, d) => s + d.len[f], 0) / Math.max(1, docs.length));
    this.problemTerms = docs.map((d) => new Set(PROBLEM_FIELDS.flatMap((f) => [...d.tf[f].keys()])));
    this.bodyTerms = docs.map((d) => new Set(d.tf.body.keys()));
    docs.forEach((d, i) => {
      for (const term of new Set([...this.problemTerms[i]!, ...this.bodyTerms[i]!])) {
        let tf = 0;
        for (const f of PROBLEM_FIELDS) {
          const n = d.tf[f].get(term);
          if (!n) continue;
          tf += (FIELD_WEIGHTS[f] * n) / (1 - B + (B * d.len[f]) / avgLen[f]);
        }
        const nb = d.tf.body.get(term) ?? 0;
        const tfBody = nb ? nb / (1 - B + (B * d.len.body) / avgLen.body) : 0;
        const sat = tf / (K1 + tf) + BODY_WEIGHT * (tfBody / (K1 + tfBody));
        let p = this.postings.get(term);
        if (!p) this.postings.set(term, (p = { docs: [], sats: [] }));
        p.docs.push(i);
        p.sats.push(sat);
      }
    });
  }

  idf(term: string): number {
    const df = this.postings.get(term)?.docs.length ?? 0;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  has(term: string): boolean {
    return this.postings.has(term);
  }

  /** Every term card `i` uses, in any field. */
  terms(i: number): Set<string> {
    return new Set([...(this.problemTerms[i] ?? []), ...(this.bodyTerms[i] ?? [])]);
  }

  /** Whether card `i` holds a term: 1 in its problem description, `bodyShare` in its fix alone, else 0. */
  holds(i: number, term: string, bodyShare: number): number {
    if (this.problemTerms[i]?.has(term)) return 1;
    return this.bodyTerms[i]?.has(term) ? bodyShare : 0;
  }

  /** The cards that hold a term, in card order. */
  cardsWith(term: string): readonly number[] {
    return this.postings.get(term)?.docs ?? [];
  }

  /** BM25F scores for weighted query terms: only cards holding a query term are in `touched`; the rest score 0. */
  score(query: Map<string, number>): { scores: Float64Array; touched: number[] } {
    const scores = new Float64Array(this.size);
    const seen = new Uint8Array(this.size);
    const touched: number[] = [];
    for (const [term, qw] of query) {
      const p = this.postings.get(term);
      if (!p) continue;
      const idf = this.idf(term);
      for (let k = 0; k < p.docs.length; k++) {
        const i = p.docs[k]!;
        const sat = p.sats[k]!;
        if (sat > 0) {
          if (!seen[i]) {
            seen[i] = 1;
            touched.push(i);
          }
          scores[i] = scores[i]! + qw * idf * sat;
        }
      }
    }
    return { scores, touched };
  }
}
