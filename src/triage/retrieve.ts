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

interface ErrorLine {
  text: string;
  tokens: Set<string>;
  weight: number;
  /** 1 for a literal error line, less for a symptom the guide describes in words. */
  trust: number;
}

/** Hybrid retrieval: BM25F, literal error-line containment, dense similarity and a system prior. */
export class Retriever {
  private readonly errorLines: ErrorLine[][];
  private readonly commands: Array<Array<Set<string>>>;
  private readonly indexById = new Map<string, number>();
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
    });
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

  async rank(x: Extracted, hints: SystemHint[] = []): Promise<Ranking> {
    const frames = new Set(x.frames);
    const text = x.lines.join('\n');
    const expansions = expand(text);
    const query = this.queryTerms(x, frames, expansions);
    const lex = this.lexical.score(query);
    const lexMax = Math.max(1e-9, ...lex);
    const system = this.detector.detect(query.keys(), text, hints);

    const prose = new Set(x.prose);
    const lineSets = x.lines
      .filter((l) => !frames.has(l))
      .map((l) => ({ line: l, tokens: new Set(tokenize(errorTemplate(l))), trust: prose.has(l) ? PROSE_TRUST : 1 }));
    for (const words of expansions) lineSets.push({ line: words, tokens: new Set(tokenize(words)), trust: GLOSSARY_TRUST });
    const allTokens = new Set(lineSets.flatMap((l) => [...l.tokens]));
    const pasteCommands = x.commands.map(commandTokens).filter((t) => t.size >= 2);

    const candidates = this.cards.flatMap((card, i): Candidate[] => {
      // Its lines name the system (the detector read them), but it has nothing to tell the user to do.
      if (card.kind === 'reference') return [];
      const { score: errorLine, why } = this.errorLineMatch(i, lineSets, allTokens);
      const command = this.commandMatch(i, pasteCommands);
      const sys = system.scores[card.guide] ?? 0;
      const features: Signals = { lexical: lex[i]!, errorLine, dense: null, command, system: sys };
      const evidence = evidenceOf(features, card.kind, lexMax);
      return [{ card, evidence, score: evidence, features, why, coverage: null }];
    });
    candidates.sort((a, b) => b.evidence - a.evidence);
    // The dense model only breaks near-ties: it is slow next to everything else, and weak alone.
    const top = candidates[0]?.evidence ?? 0;
    const close = candidates.filter((c) => c.evidence >= top - TIE_WINDOW);
    let usedDense = false;
    if (close.length > 1 && this.embed && this.dense) {
      const dense = await this.denseScores(await this.embed(denseQuery(x)));
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

  private async denseScores(vector: number[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!this.dense) return out;
    const hits = await this.dense.similaritySearchVectorWithScore(vector, this.cards.length);
    for (const [doc, distance] of hits) out.set(String(doc.metadata.id), 1 - distance);
    return out;
  }
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
