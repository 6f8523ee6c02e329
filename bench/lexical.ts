import MiniSearch from 'minisearch';
import type { ProblemCard } from '../src/knowledge/card.js';
import { cardFieldText, FIELD_WEIGHTS, FIELDS, LexicalIndex } from '../src/knowledge/lexical.js';
import { extract } from '../src/triage/extract.js';
import { tokenize, weightedTokens } from '../src/text/tokens.js';

const ROUNDS = 5;
const round = (n: number): number => Math.round(n * 1000) / 1000;

/**
 * The lexical index against MiniSearch (BM25+, an inverted index, maintained) on the same cards
 * and the same tokens: build time and query time, for the query terms of each paste.
 */
export function benchLexical(cards: ProblemCard[], pastes: string[]): Record<string, unknown> {
  const queries = pastes.map((p) => {
    const q = new Map<string, number>();
    for (const line of extract(p).lines) for (const [t, w] of weightedTokens(line)) q.set(t, Math.max(q.get(t) ?? 0, w));
    return q;
  });

  let t = performance.now();
  const ours = LexicalIndex.build(cards);
  const oursBuildMs = performance.now() - t;

  t = performance.now();
  // The same tokens: MiniSearch splits on spaces and keeps each term as it is.
  const mini = new MiniSearch<{ id: number } & Record<string, string | number>>({ fields: [...FIELDS], tokenize: (s) => s.split(' '), processTerm: (term) => term || null, idField: 'id' });
  mini.addAll(cards.map((c, id) => ({ id, ...Object.fromEntries(Object.entries(cardFieldText(c)).map(([f, text]) => [f, tokenize(text).join(' ')])) })));
  const miniBuildMs = performance.now() - t;

  const time = (run: (q: Map<string, number>) => void): number => {
    for (const q of queries) run(q);
    const start = performance.now();
    for (let r = 0; r < ROUNDS; r++) for (const q of queries) run(q);
    return (performance.now() - start) / (ROUNDS * queries.length);
  };
  const oursQueryMs = time((q) => ours.score(q));
  const miniQueryMs = time((q) => mini.search({ combineWith: 'OR', queries: [...q.keys()] }, { boost: FIELD_WEIGHTS }));
  return { sections: cards.length, ours: { buildMs: round(oursBuildMs), queryMs: round(oursQueryMs) }, minisearch: { buildMs: round(miniBuildMs), queryMs: round(miniQueryMs) } };
}
