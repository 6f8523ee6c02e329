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

/** The index as stored beside the dense one: one posting list per term, flat. */
export interface LexicalState {
  size: number;
  /** Mean field lengths (in tokens) the saturations were worked out with. */
  avgLen: Record<Field, number>;
  terms: string[];
  /** Term k's postings are entries offsets[k] .. offsets[k+1]. */
  offsets: Int32Array;
  docs: Int32Array;
  /** What the term adds to the card's score, before query weight and IDF (BM25F saturation). */
  sats: Float64Array;
  /** 1 when the term is in the card's problem description, 0 when only in its fix. */
  inProblem: Uint8Array;
}

interface FieldCounts {
  tf: Record<Field, Map<string, number>>;
  len: Record<Field, number>;
}

function fieldCounts(c: ProblemCard): FieldCounts {
  const text = cardFieldText(c);
  const tf = {} as Record<Field, Map<string, number>>;
  const len = {} as Record<Field, number>;
  for (const f of FIELDS) {
    const toks = tokenize(text[f]);
    tf[f] = termCounts(toks);
    len[f] = toks.length;
  }
  return { tf, len };
}

/** Each term's postings for these cards (numbered from `first`): what it adds to each, and whether in its problem description. */
function postingsOf(docs: FieldCounts[], avgLen: Record<Field, number>, first: number): Map<string, Array<[doc: number, sat: number, inProblem: number]>> {
  const postings = new Map<string, Array<[doc: number, sat: number, inProblem: number]>>();
  docs.forEach((d, i) => {
    const problem = new Set(PROBLEM_FIELDS.flatMap((f) => [...d.tf[f].keys()]));
    for (const term of new Set([...problem, ...d.tf.body.keys()])) {
      let tf = 0;
      for (const f of PROBLEM_FIELDS) {
        const n = d.tf[f].get(term);
        if (!n) continue;
        tf += (FIELD_WEIGHTS[f] * n) / (1 - B + (B * d.len[f]) / avgLen[f]);
      }
      const nb = d.tf.body.get(term) ?? 0;
      const tfBody = nb ? nb / (1 - B + (B * d.len.body) / avgLen.body) : 0;
      const sat = tf / (K1 + tf) + BODY_WEIGHT * (tfBody / (K1 + tfBody));
      let list = postings.get(term);
      if (!list) postings.set(term, (list = []));
      list.push([first + i, sat, problem.has(term) ? 1 : 0]);
    }
  });
  return postings;
}

/**
 * BM25F over problem cards, with per-field length normalisation and weights. Each term's
 * contribution to a card does not depend on the query, so it is worked out once into a posting
 * list: a query costs the length of its terms' lists, not the size of the corpus.
 */
export class LexicalIndex {
  private readonly term = new Map<string, number>();

  private constructor(private readonly s: LexicalState) {
    s.terms.forEach((t, k) => this.term.set(t, k));
  }

  get size(): number {
    return this.s.size;
  }

  static build(cards: ProblemCard[]): LexicalIndex {
    const docs = cards.map(fieldCounts);
    const avgLen = {} as Record<Field, number>;
    for (const f of FIELDS) avgLen[f] = Math.max(1, docs.reduce((s, d) => s + d.len[f], 0) / Math.max(1, docs.length));
    const empty: LexicalState = { size: 0, avgLen, terms: [], offsets: new Int32Array(1), docs: new Int32Array(0), sats: new Float64Array(0), inProblem: new Uint8Array(0) };
    return new LexicalIndex(empty).append(docs);
  }

  /**
   * This index with more cards after its own (team notes): only theirs are read, with this
   * index's field lengths, and their postings are appended to the stored lists.
   */
  withCards(cards: ProblemCard[]): LexicalIndex {
    return this.append(cards.map(fieldCounts));
  }

  private append(docs: FieldCounts[]): LexicalIndex {
    const added = postingsOf(docs, this.s.avgLen, this.s.size);
    const fresh = [...added.keys()].filter((t) => !this.term.has(t));
    const terms = [...this.s.terms, ...fresh];
    const total = this.s.docs.length + [...added.values()].reduce((n, l) => n + l.length, 0);
    const state: LexicalState = { size: this.s.size + docs.length, avgLen: this.s.avgLen, terms, offsets: new Int32Array(terms.length + 1), docs: new Int32Array(total), sats: new Float64Array(total), inProblem: new Uint8Array(total) };
    let at = 0;
    terms.forEach((t, k) => {
      state.offsets[k] = at;
      if (k < this.s.terms.length) {
        const [from, to] = [this.s.offsets[k]!, this.s.offsets[k + 1]!];
        state.docs.set(this.s.docs.subarray(from, to), at);
        state.sats.set(this.s.sats.subarray(from, to), at);
        state.inProblem.set(this.s.inProblem.subarray(from, to), at);
        at += to - from;
      }
      for (const [doc, sat, inProblem] of added.get(t) ?? []) {
        state.docs[at] = doc;
        state.sats[at] = sat;
        state.inProblem[at] = inProblem;
        at++;
      }
    });
    state.offsets[terms.length] = at;
    return new LexicalIndex(state);
  }

  static restore(state: LexicalState): LexicalIndex {
    return new LexicalIndex(state);
  }

  get state(): LexicalState {
    return this.s;
  }

  private range(term: string): [number, number] | null {
    const k = this.term.get(term);
    return k === undefined ? null : [this.s.offsets[k]!, this.s.offsets[k + 1]!];
  }

  /** Where card `doc` is in a term's postings (sorted by card), or -1. */
  private find(term: string, doc: number): number {
    const r = this.range(term);
    if (!r) return -1;
    let [lo, hi] = r;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.s.docs[mid]! < doc) lo = mid + 1;
      else hi = mid;
    }
    return lo < r[1] && this.s.docs[lo] === doc ? lo : -1;
  }

  idf(term: string): number {
    const r = this.range(term);
    const df = r ? r[1] - r[0] : 0;
    return Math.log(1 + (this.s.size - df + 0.5) / (df + 0.5));
  }

  has(term: string): boolean {
    return this.term.has(term);
  }

  /** Whether any card from `from` up to (not including) `to` uses a term. */
  usedIn(term: string, from: number, to: number): boolean {
    const r = this.range(term);
    if (!r) return false;
    let [lo, hi] = r;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.s.docs[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < r[1] && this.s.docs[lo]! < to;
  }

  /** Whether card `i` holds a term: 1 in its problem description, `bodyShare` in its fix alone, else 0. */
  holds(i: number, term: string, bodyShare: number): number {
    const at = this.find(term, i);
    if (at < 0) return 0;
    return this.s.inProblem[at] ? 1 : bodyShare;
  }

  /** BM25F scores for weighted query terms: only cards holding a query term are in `touched`; the rest score 0. */
  score(query: Map<string, number>): { scores: Float64Array; touched: number[] } {
    const scores = new Float64Array(this.s.size);
    const seen = new Uint8Array(this.s.size);
    const touched: number[] = [];
    for (const [term, qw] of query) {
      const r = this.range(term);
      if (!r) continue;
      const idf = this.idf(term);
      for (let k = r[0]; k < r[1]; k++) {
        const i = this.s.docs[k]!;
        const sat = this.s.sats[k]!;
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
