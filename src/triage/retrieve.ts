import type { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { bareTitle, type ProblemCard } from '../knowledge/card.js';
import type { LexicalIndex } from '../knowledge/lexical.js';
import { errorTemplate, lineTemplate } from '../text/mask.js';
import { tokenize, weightedTokens } from '../text/tokens.js';
import { expand } from './glossary.js';
import type { Extracted } from './extract.js';
import { BODY_COVERS, type Coverage, coverageOf, lineTerms, mainLines, queryWeights, unknownShare } from './coverage.js';
import type { SystemDetector, SystemGuess, SystemHint } from './system.js';
import {
  containment,
  denseBonus,
  WEIGHT,
  evidenceOf,
  FRAME_WEIGHT,
  GLOSSARY_TRUST,
  PROSE_TRUST,
  type Signals,
  SPREAD_SHARE,
  SYMPTOM_TRUST,
  TIE_WINDOW,
} from './scoring.js';

export interface Candidate {
  card: ProblemCard;
  /** Evidence for this card without the dense model: what confidence is computed from. */
  evidence: number;
  /** The ranking score: evidence, plus dense similarity where it had to break a near-tie. */
  score: number;
  features: Signals;
  /** The paste line and guide line that matched best, when an error line matched. */
  why: { pasteLine: string; guideLine: string } | null;
  /** How much of the paste's main error the card explains (worked out for the top few only). */
  coverage: Coverage | null;
}

export interface Ranking {
  candidates: Candidate[];
  /** Whether the dense model was asked (only when the top candidates were close). */
  usedDense: boolean;
  system: SystemGuess;
  /** Share of the main error's weight in words no section uses: high for other tools' errors. */
  unknown: number;
}

/** How many of the best candidates get their coverage worked out: the answer and its alternatives. */
const COVERAGE_DEPTH = 5;
/**
 * The most near-ties the dense model re-ranks: the best of them by evidence. Many sections
 * within reach of the answer means the words cannot tell them apart, and a corpus of many
 * similar guides must not make every paste embed-compare hundreds.
 */
const DENSE_POOL = 32;

interface ErrorLine {
  text: string;
  tokens: Set<string>;
  weight: number;
  /** 1 for a literal error line, less for a symptom the guide describes in words. */
  trust: number;
}

/**
 * Hybrid retrieval: BM25F, literal error-line containment, dense similarity and a system prior.
 * A paste is scored against the cards its words reach (posting lists), best bound first, and
 * the scan stops once no card left can reach the answers: the cost follows the paste, not the corpus.
 */
export class Retriever {
  private readonly errorLines: ErrorLine[][];
  private readonly commands: Array<Array<Set<string>>>;
  private readonly indexById = new Map<string, number>();
  /** Every guide error line, numbered: its card, and the lines holding each token. */
  private readonly lineCard: number[] = [];
  private readonly lineRef: ErrorLine[] = [];
  private readonly linesWith = new Map<string, number[]>();
  /** The cards whose commands use each token. */
  private readonly commandCardsWith = new Map<string, number[]>();
  /** Per guide, its answerable cards in order: those a paste shares no word with differ only by system. */
  private readonly answerable = new Map<string, number[]>();
  /** The dense index's label of each card. */
  private readonly labels = new Map<string, number>();
  /** Every word each guide uses: what its system's errors can be explained in. */
  private readonly guideVocab = new Map<string, Set<string>>();

  constructor(
    readonly cards: ProblemCard[],
    private readonly lexical: LexicalIndex,
    private readonly detector: SystemDetector,
    private readonly dense: HNSWLib | null,
    private readonly embed: ((text: string) => Promise<number[]>) | null,
  ) {
    cards.forEach((c, i) => this.indexById.set(c.id, i));
    const line = (text: string, trust: number): ErrorLine => {
      const tokens = new Set(tokenize(errorTemplate(text)));
      return { text, tokens, weight: [...tokens].reduce((s, t) => s + lexical.idf(t), 0), trust };
    };
    this.errorLines = cards.map((c) => [
      ...c.errorLines.map((t) => line(t, 1)),
      ...c.symptoms.filter((s) => !c.errorLines.includes(s)).map((t) => line(t, SYMPTOM_TRUST)),
      // A problem's heading names it in words, like a symptom does.
      ...(c.kind === 'problem' && !c.errorLines.length ? [line(bareTitle(c.title), SYMPTOM_TRUST)] : []),
    ]);
    this.commands = cards.map((c) => c.commands.map(commandTokens).filter((t) => t.size >= 2));
    cards.forEach((c, i) => {
      const vocab = this.guideVocab.get(c.guide) ?? new Set<string>();
      for (const t of lexical.terms(i)) vocab.add(t);
      this.guideVocab.set(c.guide, vocab);
      for (const e of this.errorLines[i]!) {
        const id = this.lineRef.push(e) - 1;
        this.lineCard.push(i);
        for (const t of e.tokens) push(this.linesWith, t, id);
      }
      for (const t of new Set(this.commands[i]!.flatMap((k) => [...k]))) push(this.commandCardsWith, t, i);
      if (c.kind !== 'reference') push(this.answerable, c.guide, i);
    });
    if (dense) for (let label = 0; label < dense.index.getCurrentCount(); label++) this.labels.set(String(dense.docstore.search(String(label)).metadata.id), label);
  }

  card(id: string): ProblemCard | undefined {
    const i = this.indexById.get(id);
    return i === undefined ? undefined : this.cards[i];
  }

  /** Weighted query terms: salient lines count double, commands the user ran count half. */
  private queryTerms(x: Extracted, frames: Set<string>, expansions: string[]): Map<string, number> {
    const q = new Map<string, number>();
    const add = (text: string, w: number): void => {
      const best = new Map<string, number>();
      for (const [t, tw] of weightedTokens(text)) best.set(t, Math.max(best.get(t) ?? 0, tw));
      for (const [t, tw] of best) q.set(t, (q.get(t) ?? 0) + w * tw);
    };
    const salientIdx = new Set(x.salient.map((s) => s.index));
    // The same record twice (another timestamp, another id) is one piece of evidence.
    const seen = new Set<string>();
    x.lines.forEach((line, i) => {
      const template = lineTemplate(line);
      if (seen.has(template)) return;
      seen.add(template);
      add(line, salientIdx.has(i) ? 2 : x.commands.includes(line) ? 0.5 : frames.has(line) ? FRAME_WEIGHT : 1);
    });
    for (const words of expansions) add(words, 1.5);
    for (const [t, w] of q) q.set(t, Math.min(w, 4) ** 0.7);
    return q;
  }

  /**
   * `depth`: how many of the best are ranked exactly (everything within reach of the answer is,
   * too); `include`: cards to rank whatever their score (those people confirmed or rejected).
   */
  async rank(x: Extracted, hints: SystemHint[] = [], o: { depth?: number; include?: string[] } = {}): Promise<Ranking> {
    const frames = new Set(x.frames);
    const text = x.lines.join('\n');
    const expansions = expand(text);
    const query = this.queryTerms(x, frames, expansions);
    const { scores: lex, touched } = this.lexical.score(query);
    let lexMax = 1e-9;
    for (const i of touched) lexMax = Math.max(lexMax, lex[i]!);
    const system = this.detector.detect(query.keys(), text, hints);

    const prose = new Set(x.prose);
    const lineSets = x.lines
      .filter((l) => !frames.has(l))
      .map((l) => ({ line: l, tokens: new Set(tokenize(errorTemplate(l))), trust: prose.has(l) ? PROSE_TRUST : 1 }));
    for (const words of expansions) lineSets.push({ line: words, tokens: new Set(tokenize(words)), trust: GLOSSARY_TRUST });
    const allTokens = new Set(lineSets.flatMap((l) => [...l.tokens]));
    const pasteCommands = x.commands.map(commandTokens).filter((t) => t.size >= 2);

    const evaluate = (i: number): Candidate => {
      const card = this.cards[i]!;
      const { score: errorLine, why } = this.errorLineMatch(i, lineSets, allTokens);
      const command = this.commandMatch(i, pasteCommands);
      const sys = system.scores[card.guide] ?? 0;
      const features: Signals = { lexical: lex[i]!, errorLine, dense: null, command, system: sys };
      const evidence = evidenceOf(features, card.kind, lexMax);
      return { card, evidence, score: evidence, features, why, coverage: null };
    };
    const depth = Math.max(o.depth ?? 0, ECHO_WINDOW, COVERAGE_DEPTH, DENSE_POOL);
    const candidates = this.shortlist({ lex, touched, lexMax, allTokens, pasteCommands, system, depth, include: o.include ?? [], evaluate });
    // The dense model only breaks near-ties: it is slow next to everything else, and weak alone.
    const top = candidates[0]?.evidence ?? 0;
    const close = candidates.filter((c) => c.evidence >= top - TIE_WINDOW).slice(0, DENSE_POOL);
    let usedDense = false;
    if (close.length > 1 && this.embed && this.dense) {
      const dense = this.denseScores(await this.embed(denseQuery(x)), close.map((c) => c.card.id));
      usedDense = true;
      for (const c of close) {
        const sim = dense.get(c.card.id) ?? 0;
        c.features.dense = sim;
        c.score = c.evidence + denseBonus(sim, c.card.kind);
      }
      candidates.sort((a, b) => b.score - a.score);
    }
    // Unsure of the system, the alternatives should hedge it, not repeat one guide's guess.
    const ranked = system.system ? candidates : demoteEchoes(candidates);
    const corpus = { idf: (t: string) => this.lexical.idf(t), known: (t: string) => this.lexical.has(t) };
    const main = mainLines(x).map((line) => ({ line, terms: lineTerms(line, corpus) }));
    const weighted = queryWeights(query, corpus);
    for (const c of ranked.slice(0, COVERAGE_DEPTH)) {
      const i = this.indexById.get(c.card.id)!;
      const vocab = this.guideVocab.get(c.card.guide);
      c.coverage = coverageOf(main, weighted, corpus, (t) => this.lexical.holds(i, t, BODY_COVERS), (t) => vocab?.has(t) ?? false);
    }
    return { candidates: ranked, system, usedDense, unknown: unknownShare(main.map((m) => m.terms), corpus) };
  }

  /** How much of a guide's literal error line appears in one paste line (IDF-weighted). */
  private errorLineMatch(
    i: number,
    lines: Array<{ line: string; tokens: Set<string>; trust: number }>,
    all: Set<string>,
  ): { score: number; why: Candidate['why'] } {
    let best = 0;
    let why: Candidate['why'] = null;
    for (const e of this.errorLines[i]!) {
      if (e.weight <= 0) continue;
      for (const { line, tokens, trust } of lines) {
        let hit = 0;
        for (const t of e.tokens) if (tokens.has(t)) hit += this.lexical.idf(t);
        const s = containment(hit, e.weight, e.trust * trust);
        if (s > best) {
          best = s;
          why = { pasteLine: line, guideLine: e.text };
        }
      }
      let spread = 0;
      for (const t of e.tokens) if (all.has(t)) spread += this.lexical.idf(t);
      const s = SPREAD_SHARE * containment(spread, e.weight, e.trust);
      if (s > best) best = s;
    }
    return { score: best, why };
  }

  /** The best overlap between a command the user ran and one the card lists. */
  private commandMatch(i: number, pasteCommands: Array<Set<string>>): number {
    let best = 0;
    for (const p of pasteCommands) {
      for (const c of this.commands[i]!) {
        let inter = 0;
        for (const t of p) if (c.has(t)) inter++;
        const jaccard = inter / (p.size + c.size - inter);
        if (jaccard > best) best = jaccard;
      }
    }
    return best >= 0.4 ? best : 0;
  }

  /** Cosine similarity of the query to each card, from the vectors the HNSW index holds (normalised there). */
  private denseScores(vector: number[], ids: string[]): Map<string, number> {
    const out = new Map<string, number>();
    if (!this.dense) return out;
    const norm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0)) || 1;
    for (const id of ids) {
      const label = this.labels.get(id);
      if (label === undefined) continue;
      const p = this.dense.index.getPoint(label);
      let dot = 0;
      for (let k = 0; k < p.length; k++) dot += (vector[k]! / norm) * p[k]!;
      out.set(id, dot);
    }
    return out;
  }

  /**
   * The candidates worth ranking, scored exactly, best first (ties in card order). Every card a
   * paste shares a word with gets an upper bound on its evidence; they are scored best bound
   * first until no bound left reaches the `depth`-th score or the dense window of the best.
   * Cards it shares no word with score only their system's prior: per guide, the first few stand for the rest.
   */
  private shortlist(q: {
    lex: Float64Array;
    touched: number[];
    lexMax: number;
    allTokens: Set<string>;
    pasteCommands: Array<Set<string>>;
    system: SystemGuess;
    depth: number;
    include: string[];
    evaluate: (i: number) => Candidate;
  }): Candidate[] {
    const errBound = this.errorLineBounds(q.allTokens);
    const commandCards = new Set(q.pasteCommands.flatMap((p) => [...p].flatMap((t) => this.commandCardsWith.get(t) ?? [])));
    const reached = new Set([...q.touched, ...errBound.keys(), ...commandCards]);
    const sys = (guide: string) => q.system.scores[guide] ?? 0;
    const entries: Array<{ bound: number; card: number } | { bound: number; guide: string }> = [];
    for (const i of reached) {
      const card = this.cards[i]!;
      if (card.kind === 'reference') continue;
      const bound = evidenceOf({ lexical: q.lex[i]!, errorLine: errBound.get(i) ?? 0, dense: null, command: commandCards.has(i) ? 1 : 0, system: sys(card.guide) }, card.kind, q.lexMax);
      // Summed in another order than the exact score: a hair of slack keeps it a bound.
      entries.push({ card: i, bound: bound * (1 + 1e-9) + 1e-12 });
    }
    for (const guide of this.answerable.keys()) entries.push({ guide, bound: WEIGHT.system * sys(guide) * (1 + 1e-9) + 1e-12 });
    entries.sort((a, b) => b.bound - a.bound);

    const scored = new Map<number, Candidate>();
    const evidences: number[] = []; // descending
    const add = (i: number) => {
      if (scored.has(i) || this.cards[i]!.kind === 'reference') return;
      const c = q.evaluate(i);
      scored.set(i, c);
      let at = evidences.findIndex((e) => e < c.evidence);
      if (at < 0) at = evidences.length;
      evidences.splice(at, 0, c.evidence);
    };
    for (const e of entries) {
      const kth = evidences.length >= q.depth ? evidences[q.depth - 1]! : -Infinity;
      if (e.bound < kth) break;
      if ('card' in e) add(e.card);
      else {
        let taken = 0;
        for (const i of this.answerable.get(e.guide)!) {
          if (taken >= q.depth) break;
          if (reached.has(i)) continue;
          add(i);
          taken++;
        }
      }
    }
    for (const id of q.include) {
      const i = this.indexById.get(id);
      if (i !== undefined) add(i);
    }
    return [...scored].sort((a, b) => b[1].evidence - a[1].evidence || a[0] - b[0]).map(([, c]) => c);
  }

  /** Per card a paste's tokens reach, the most its error-line match can be: every shared token counted as if on one paste line. */
  private errorLineBounds(all: Set<string>): Map<number, number> {
    const hit = new Map<number, number>();
    for (const t of all) {
      const lines = this.linesWith.get(t);
      if (!lines) continue;
      const idf = this.lexical.idf(t);
      for (const id of lines) hit.set(id, (hit.get(id) ?? 0) + idf);
    }
    const out = new Map<number, number>();
    for (const [id, h] of hit) {
      const e = this.lineRef[id]!;
      if (e.weight <= 0) continue;
      const card = this.lineCard[id]!;
      out.set(card, Math.max(out.get(card) ?? 0, containment(Math.min(h, e.weight), e.weight, e.trust)));
    }
    return out;
  }

}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** A command as a set of tokens, with its program's folder dropped (`./target/release/x` is `x`). */
function commandTokens(cmd: string): Set<string> {
  const line = cmd.trim().replace(/^sudo\s+/, '').replace(/^(?:\S*\/)?(\S+)/, '$1');
  return new Set(tokenize(lineTemplate(line)));
}

const DENSE_QUERY_WORDS = 24;

/**
 * What the dense model reads: the messages of the strongest error lines (no timestamps,
 * levels, paths or ids, which only cost time) and what the person wrote, kept short.
 */
export function denseQuery(x: Extracted): string {
  const messages = x.salient.slice(0, 2).map((s) => errorTemplate(s.text).replace(/\b(MASK\w+|TIMESTAMP|UUID|HEXID|IPADDR|MACADDR|PEERID)\b/g, ' '));
  const parts = [...messages, ...x.prose.slice(0, 1)];
  const text = (parts.length ? parts : x.lines.slice(0, 2)).join('. ');
  return text
    .replace(/[^\p{L}\p{N}\s.:,'-]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, DENSE_QUERY_WORDS)
    .join(' ');
}

/** How far down the ranking echoes are looked for: past it, order no longer reaches a reply. */
const ECHO_WINDOW = 10;

/**
 * A card that matched the same guide line of the same guide as a card above it (a table row
 * restating an issue's symptom) adds no evidence: it moves below the next card that does.
 */
function demoteEchoes(candidates: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  const kept: Candidate[] = [];
  const echoes: Candidate[] = [];
  for (const c of candidates.slice(0, ECHO_WINDOW)) {
    const key = c.why ? `${c.card.guide}\u0000${c.why.guideLine.toLowerCase().replace(/["'`]/g, '').trim()}` : null;
    if (key && seen.has(key)) {
      echoes.push(c);
      continue;
    }
    if (key) seen.add(key);
    kept.push(c, ...echoes.splice(0));
  }
  return [...kept, ...echoes, ...candidates.slice(ECHO_WINDOW)];
}
