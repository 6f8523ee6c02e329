import { errorTemplate } from '../text/mask.js';
import { tokenize } from '../text/tokens.js';
import type { Extracted } from './extract.js';
import { expand } from './glossary.js';

/**
 * How much of what is distinctive in a paste a section explains. Similarity says a section
 * shares words with the paste; coverage says the paste's main error is accounted for. An error
 * from another tool shares generic words with many sections and its distinctive words with none.
 */
export interface Coverage {
  /** Share of the main error line's IDF mass that the section holds (the best of the main lines). */
  main: number;
  /** Share of the whole query's weighted IDF mass that the section holds. */
  paste: number;
  /** Share of that line's weight in words the section's guide uses anywhere: low for an error its system's guide never discusses. */
  guide: number;
  /** How much evidence the section explains on that line, in absolute terms (0..1, saturating): a fully covered "thanks" is little. */
  explained: number;
  /** The main line that the section explains best. */
  line: string | null;
  /** Its distinctive words that the section does not hold, rarest first. */
  unexplained: string[];
}

/** What coverage needs to know about the corpus and one section. */
export interface CoverageCorpus {
  idf(term: string): number;
  /** Whether any section uses the term. */
  known(term: string): boolean;
}

/** How many of the strongest error lines are the paste's main error. */
const MAIN_LINES = 2;
/** IDF mass at which explained evidence is about two thirds of the way to certain: three or four rare words. */
const EXPLAINED_SCALE = 12;
/** Less IDF mass than this is too little to call an error explained, however much of it a section holds. */
const MIN_EVIDENCE = 12;
/** A word only in a section's fix explains less than one in its problem description. */
export const BODY_COVERS = 0.5;

/** The lines that state the paste's main error, strongest first, each with its glossary words. */
export function mainLines(x: Extracted): string[] {
  const byWeight = [...x.salient].sort((a, b) => b.weight - a.weight || a.index - b.index).map((s) => s.text);
  if (byWeight.length) return byWeight.slice(0, MAIN_LINES);
  const frames = new Set(x.frames);
  return x.lines.filter((l) => !frames.has(l) && !x.commands.includes(l)).slice(0, MAIN_LINES);
}

/**
 * The words that carry a line's evidence, weighted by rarity. Digits-bearing words no section
 * uses (ids, counts, line numbers) are not vocabulary and say nothing either way.
 */
export function lineTerms(line: string, corpus: CoverageCorpus): Map<string, number> {
  const terms = new Map<string, number>();
  const words = [...tokenize(errorTemplate(line)), ...expand(line).flatMap((w) => tokenize(w))];
  for (const t of words) {
    if (!corpus.known(t) && /\d/.test(t)) continue;
    terms.set(t, corpus.idf(t));
  }
  return terms;
}

/**
 * The share of the terms' weight that `covers` accounts for (each term 0..1). The whole is at
 * least `floor`, so a line of two common words ("thanks, fixed") cannot be explained in full.
 */
export function covered(terms: Map<string, number>, covers: (term: string) => number, floor = 0): number {
  let all = 0;
  let hit = 0;
  for (const [t, w] of terms) {
    all += w;
    hit += w * covers(t);
  }
  return all > 0 ? hit / Math.max(all, floor) : 0;
}

/** The share of a paste's main-line weight in words that no section uses at all. */
export function unknownShare(lines: Array<Map<string, number>>, corpus: CoverageCorpus): number {
  const first = lines[0];
  if (!first) return 0;
  return 1 - covered(first, (t) => (corpus.known(t) ? 1 : 0));
}

/** The query's terms weighted by rarity, as coverage reads them (worked out once per paste). */
export function queryWeights(query: Map<string, number>, corpus: CoverageCorpus): Map<string, number> {
  return new Map([...query].map(([t, w]) => [t, w * corpus.idf(t)] as const).filter(([t]) => corpus.known(t) || !/\d/.test(t)));
}

/** Coverage of one section, given the paste's main lines and its weighted query terms (`queryWeights`). */
export function coverageOf(
  lines: Array<{ line: string; terms: Map<string, number> }>,
  weighted: Map<string, number>,
  corpus: CoverageCorpus,
  covers: (term: string) => number,
  inGuide: (term: string) => boolean,
): Coverage {
  let main = 0;
  let best: { line: string; terms: Map<string, number> } | null = null;
  for (const l of lines) {
    const c = covered(l.terms, covers, MIN_EVIDENCE);
    if (best === null || c > main) {
      main = c;
      best = l;
    }
  }
  const unexplained = best
    ? [...best.terms]
        .filter(([t]) => covers(t) === 0)
        .sort((a, b) => b[1] - a[1])
        .map(([t]) => t)
    : [];
  const hit = [...(best?.terms ?? [])].reduce((sum, [t, w]) => sum + w * covers(t), 0);
  const guide = best ? covered(best.terms, (t) => (inGuide(t) ? 1 : 0), MIN_EVIDENCE) : 0;
  return { main, paste: covered(weighted, covers, MIN_EVIDENCE), guide, explained: 1 - Math.exp(-hit / EXPLAINED_SCALE), line: best?.line ?? null, unexplained };
}
