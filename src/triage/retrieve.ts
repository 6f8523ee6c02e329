import type { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import type { ProblemCard } from '../knowledge/card.js';
import type { LexicalIndex } from '../knowledge/lexical.js';
import { tokenize } from '../text/tokens.js';
import type { Extracted } from './extract.js';
import type { SystemDetector, SystemGuess } from './system.js';

export interface Candidate {
  card: ProblemCard;
  score: number;
  features: { lexical: number; lexicalCoverage: number; errorLine: number; dense: number; system: number };
  /** The paste line and guide line that matched best, when an error line matched. */
  why: { pasteLine: string; guideLine: string } | null;
}

export interface Ranking {
  candidates: Candidate[];
  system: SystemGuess;
  queryTokens: Map<string, number>;
}

interface ErrorLine {
  text: string;
  tokens: Set<string>;
  weight: number;
}

const WEIGHT = { lexical: 0.4, errorLine: 0.35, dense: 0.25, system: 0.2 };
const KIND_PRIOR: Record<ProblemCard['kind'], number> = { problem: 1, row: 0.9, procedure: 0.85 };

/** Hybrid retrieval: BM25F, literal error-line containment, dense similarity and a system prior. */
export class Retriever {
  private readonly errorLines: ErrorLine[][];
  private readonly indexById = new Map<string, number>();

  constructor(
    readonly cards: ProblemCard[],
    private readonly lexical: LexicalIndex,
    private readonly detector: SystemDetector,
    private readonly dense: HNSWLib | null,
  ) {
    cards.forEach((c, i) => this.indexById.set(c.id, i));
    this.errorLines = cards.map((c) =>
      c.errorLines.map((text) => {
        const tokens = new Set(tokenize(text));
        return { text, tokens, weight: [...tokens].reduce((s, t) => s + lexical.idf(t), 0) };
      }),
    );
  }

  /** Weighted query terms: salient lines count double, commands the user ran count half. */
  queryTerms(x: Extracted): Map<string, number> {
    const q = new Map<string, number>();
    const add = (text: string, w: number): void => {
      for (const t of new Set(tokenize(text))) q.set(t, (q.get(t) ?? 0) + w);
    };
    const salientIdx = new Set(x.salient.map((s) => s.index));
    x.lines.forEach((line, i) => add(line, salientIdx.has(i) ? 2 : x.commands.includes(line) ? 0.5 : 1));
    for (const [t, w] of q) q.set(t, Math.min(w, 4) ** 0.7);
    return q;
  }

  async rank(x: Extracted, queryVector: number[] | null): Promise<Ranking> {
    const query = this.queryTerms(x);
    const lex = this.lexical.score(query);
    const lexMax = Math.max(1e-9, ...lex);
    const system = this.detector.detect(query.keys());
    const dense = await this.denseScores(queryVector);
    const denseVals = [...dense.values()];
    const denseMax = denseVals.length ? Math.max(...denseVals) : 0;
    const denseMean = denseVals.length ? denseVals.reduce((a, b) => a + b, 0) / denseVals.length : 0;

    const known = [...query].filter(([t]) => this.lexical.has(t));
    const knownMass = known.reduce((s, [t, w]) => s + w * this.lexical.idf(t), 0) || 1;
    const lineSets = x.lines.map((l) => ({ line: l, tokens: new Set(tokenize(l)) }));
    const allTokens = new Set(query.keys());

    const candidates = this.cards.map((card, i): Candidate => {
      const shared = this.lexical.shared(query.keys(), i);
      const coverage = shared.reduce((s, t) => s + (query.get(t) ?? 0) * this.lexical.idf(t), 0) / knownMass;
      const { score: errorLine, why } = this.errorLineMatch(i, lineSets, allTokens);
      const sim = dense.get(card.id) ?? 0;
      const denseN = denseMax > denseMean ? Math.max(0, (sim - denseMean) / (denseMax - denseMean)) : 0;
      const sys = system.scores[card.guide] ?? 0;
      const fused =
        KIND_PRIOR[card.kind] * (WEIGHT.lexical * (lex[i]! / lexMax) + WEIGHT.errorLine * errorLine + WEIGHT.dense * denseN) +
        WEIGHT.system * sys;
      return {
        card,
        score: fused,
        features: { lexical: lex[i]!, lexicalCoverage: coverage, errorLine, dense: sim, system: sys },
        why,
      };
    });
    candidates.sort((a, b) => b.score - a.score);
    return { candidates, system, queryTokens: query };
  }

  /** How much of a guide's literal error line appears in one paste line (IDF-weighted). */
  private errorLineMatch(
    i: number,
    lines: Array<{ line: string; tokens: Set<string> }>,
    all: Set<string>,
  ): { score: number; why: Candidate['why'] } {
    let best = 0;
    let why: Candidate['why'] = null;
    for (const e of this.errorLines[i]!) {
      if (e.weight <= 0) continue;
      // Short lines ("Forbidden") are weak evidence however exactly they match.
      const informative = Math.min(1, e.weight / 9);
      for (const { line, tokens } of lines) {
        let hit = 0;
        for (const t of e.tokens) if (tokens.has(t)) hit += this.lexical.idf(t);
        const s = (hit / e.weight) * informative;
        if (s > best) {
          best = s;
          why = { pasteLine: line, guideLine: e.text };
        }
      }
      let spread = 0;
      for (const t of e.tokens) if (all.has(t)) spread += this.lexical.idf(t);
      const s = 0.8 * (spread / e.weight) * informative;
      if (s > best) best = s;
    }
    return { score: best, why };
  }

  private async denseScores(vector: number[] | null): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!vector || !this.dense) return out;
    const hits = await this.dense.similaritySearchVectorWithScore(vector, this.cards.length);
    for (const [doc, distance] of hits) out.set(String(doc.metadata.id), 1 - distance);
    return out;
  }
}
