import type { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { createHash } from 'node:crypto';
import { bareTitle, type ProblemCard } from '../knowledge/card.js';
import { cardEmbeddingText } from '../knowledge/index-store.js';
import type { LexicalIndex } from '../knowledge/lexical.js';
import { errorTemplate, lineTemplate } from '../text/mask.js';
import { tokenize, weightedTokens } from '../text/tokens.js';
import { expand } from './glossary.js';
import type { Extracted } from './extract.js';
import { BODY_COVERS, type Coverage, coverageOf, lineTerms, mainLines, queryWeights, unknownShare } from './coverage.js';
import type { SystemDetector, SystemGuess, SystemHint } from './system.js';
import {
  containment,
  CONTAINMENT_POWER,
  denseBonus,
  INFORMATIVE_IDF,
  KIND_PRIOR,
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

/** A guide error line (its text and trust), read once however many cards share it. */
interface ErrorLine {
  id: number;
  text: string;
  /** Distinct, in the order the line has them. */
  tokens: string[];
  weight: number;
  /** 1 for a literal error line, less for a symptom the guide describes in words. */
  trust: number;
  /** The cards that have it. */
  cards: number[];
}

/** A paste's lines as the error-line match reads them, and each guide line's match once worked out. */
interface PasteLines {
  lines: Array<{ line: string; tokens: Set<string>; trust: number }>;
  all: Set<string>;
  memo: Array<{ score: number; line: number; spread: number } | undefined>;
}

/** What the retriever reads from each card's lines, as stored beside the index: its error lines' tokens and its commands'. */
export interface RetrieverState {
  lines: Array<Array<[text: string, tokens: string[], trust: number]>>;
  commands: string[][][];
  /** Per card, what the dense model reads with the card's own system name masked (a short hash). */
  readsAs: string[];
}

/**
 * Hybrid retrieval: BM25F, literal error-line containment, dense similarity and a system prior.
 * A paste is scored against the cards its words reach (posting lists), best bound first, and
 * the scan stops once no card left can reach the answers: the cost follows the paste, not the corpus.
 */
export class Retriever {
  private readonly errorLines: ErrorLine[][];
  /** Each card's commands' tokens, as stored; made sets when a paste's command first needs them. */
  private readonly commandTokens: string[][][];
  private readonly commandSets: Array<Array<Set<string>> | undefined>;
  private readonly readsAs: string[];
  private readonly indexById = new Map<string, number>();
  /** Every distinct guide error line, numbered, and the lines holding each token. */
  private readonly lines: ErrorLine[] = [];
  private readonly linesWith = new Map<string, number[]>();
  /** The cards whose commands use each token. */
  private readonly commandCardsWith = new Map<string, number[]>();
  /** The guides, and each card's guide by its number there. */
  private readonly guides: string[] = [];
  private readonly guideOf: Int32Array;
  /** Per guide, its answerable cards in order: those a paste shares no word with differ only by system. */
  private readonly answerable: number[][] = [];
  /** The dense index's label of each card. */
  private readonly labels = new Map<string, number>();
  /** Each guide's cards, from..to (a guide's cards are stored together): its words are what its system's errors can be explained in. */
  private readonly guideRange = new Map<string, [number, number]>();

  constructor(
    readonly cards: ProblemCard[],
    private readonly lexical: LexicalIndex,
    private readonly detector: SystemDetector,
    private readonly dense: HNSWLib | null,
    /** A paste's sentence vector; null when it is not to be had in time (the ranking stays lexical). */
    private readonly embed: ((text: string) => Promise<number[] | null>) | null,
    /** The cards' lines already read (from the stored index); read here when absent. */
    stored: RetrieverState | null = null,
    /** Vectors of cards the dense index does not hold (team notes). */
    private readonly vectors: Map<string, number[]> = new Map(),
  ) {
    cards.forEach((c, i) => this.indexById.set(c.id, i));
    const guideNumber = new Map<string, number>();
    // A card's system prior is its guide's, or for a team note its note's system.
    this.guideOf = Int32Array.from(cards, (c) => {
      const prior = c.system ?? c.guide;
      let g = guideNumber.get(prior);
      if (g === undefined) {
        guideNumber.set(prior, (g = this.guides.push(prior) - 1));
        this.answerable.push([]);
      }
      return g;
    });
    const read = stored ?? Retriever.read(cards);
    const byText = new Map<string, ErrorLine>();
    this.errorLines = read.lines.map((lines, i) =>
      lines.map(([text, tokens, trust]) => {
        const key = `${trust}\u0000${text}`;
        let e = byText.get(key);
        if (!e) {
          byText.set(key, (e = { id: this.lines.length, text, tokens, weight: tokens.reduce((w, t) => w + lexical.idf(t), 0), trust, cards: [] }));
          this.lines.push(e);
          for (const t of tokens) push(this.linesWith, t, e.id);
        }
        if (e.cards[e.cards.length - 1] !== i) e.cards.push(i);
        return e;
      }),
    );
    this.commandTokens = read.commands;
    this.commandSets = new Array(cards.length);
    this.readsAs = read.readsAs;
    cards.forEach((c, i) => {
      const range = this.guideRange.get(c.guide);
      if (range && range[1] !== i) throw new Error(`the cards of guide ${c.guide} are not stored together`);
      this.guideRange.set(c.guide, [range?.[0] ?? i, i + 1]);
      const words = read.commands[i]!;
      for (const t of words.length === 1 ? words[0]! : new Set(words.flat())) push(this.commandCardsWith, t, i);
      if (c.kind !== 'reference') this.answerable[this.guideOf[i]!]!.push(i);
    });
    if (dense) for (let label = 0; label < dense.index.getCurrentCount(); label++) this.labels.set(String(dense.docstore.search(String(label)).metadata.id), label);
  }

  /** Each card's error lines (its literal errors, its symptoms, or its heading) and commands, as tokens. */
  static read(cards: ProblemCard[]): RetrieverState {
    const line = (text: string, trust: number): [string, string[], number] => [text, [...new Set(tokenize(errorTemplate(text)))], trust];
    return {
      lines: cards.map((c) => [
        ...c.errorLines.map((t) => line(t, 1)),
        ...c.symptoms.filter((s) => !c.errorLines.includes(s)).map((t) => line(t, SYMPTOM_TRUST)),
        // A problem's heading names it in words, like a symptom does.
        ...(c.kind === 'problem' && !c.errorLines.length ? [line(bareTitle(c.title), SYMPTOM_TRUST)] : []),
      ]),
      commands: cards.map((c) => c.commands.map(commandTokens).filter((t) => t.size >= 2).map((t) => [...t])),
      readsAs: cards.map(readsAs),
    };
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
    // The cards that list a command sharing a word with one the user ran: no other card can match one.
    const commandCards = new Set<number>();
    for (const p of pasteCommands) for (const t of p) for (const i of this.commandCardsWith.get(t) ?? []) commandCards.add(i);
    const paste: PasteLines = { lines: lineSets, all: allTokens, memo: new Array(this.lines.length) };

    const evaluate = (i: number): Candidate => {
      const card = this.cards[i]!;
      const { score: errorLine, why } = this.errorLineMatch(i, paste);
      const command = commandCards.has(i) ? this.commandMatch(i, pasteCommands) : 0;
      const sys = system.scores[card.system ?? card.guide] ?? 0;
      const features: Signals = { lexical: lex[i]!, errorLine, dense: null, command, system: sys };
      const evidence = evidenceOf(features, card.kind, lexMax);
      return { card, evidence, score: evidence, features, why, coverage: null };
    };
    const depth = Math.max(o.depth ?? 0, ECHO_WINDOW, COVERAGE_DEPTH, DENSE_POOL);
    const candidates = this.shortlist({ lex, touched, lexMax, allTokens, commandCards, system, depth, include: o.include ?? [], evaluate });
    // The dense model only breaks near-ties: it is slow next to everything else, and weak alone.
    const top = candidates[0]?.evidence ?? 0;
    // One section copied under other systems' names reads alike to the dense model: the pool is
    // the first sections that read differently, and copies take their first one's similarity.
    const pool = new Map<string, string>();
    const close: Array<[Candidate, string]> = [];
    for (const c of candidates) {
      if (c.evidence < top - TIE_WINDOW) break;
      const key = this.readsAs[this.indexById.get(c.card.id)!]!;
      if (!pool.has(key)) {
        if (pool.size >= DENSE_POOL) continue;
        pool.set(key, c.card.id);
      }
      close.push([c, pool.get(key)!]);
    }
    let usedDense = false;
    const vector = pool.size > 1 && this.embed && this.dense ? await this.embed(denseQuery(x)) : null;
    if (vector) {
      const dense = this.denseScores(vector, [...pool.values()]);
      usedDense = true;
      for (const [c, as] of close) {
        const sim = dense.get(as) ?? 0;
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
      const [from, to] = this.guideRange.get(c.card.guide)!;
      c.coverage = coverageOf(main, weighted, corpus, (t) => this.lexical.holds(i, t, BODY_COVERS), (t) => this.lexical.usedIn(t, from, to));
    }
    return { candidates: ranked, system, usedDense, unknown: unknownShare(main.map((m) => m.terms), corpus) };
  }

  /** How much of a guide's literal error line appears in one paste line (IDF-weighted). */
  private errorLineMatch(i: number, paste: PasteLines): { score: number; why: Candidate['why'] } {
    let best = 0;
    let why: Candidate['why'] = null;
    for (const e of this.errorLines[i]!) {
      if (e.weight <= 0) continue;
      const m = this.lineMatch(e, paste);
      if (m.score > best) {
        best = m.score;
        why = { pasteLine: paste.lines[m.line]!.line, guideLine: e.text };
      }
      if (m.spread > best) best = m.spread;
    }
    return { score: best, why };
  }

  /** One guide line against the paste: its best paste line (the first of equals), and its words spread over the paste. */
  private lineMatch(e: ErrorLine, paste: PasteLines): { score: number; line: number; spread: number } {
    const known = paste.memo[e.id];
    if (known) return known;
    let score = 0;
    let line = -1;
    paste.lines.forEach(({ tokens, trust }, k) => {
      let hit = 0;
      for (const t of e.tokens) if (tokens.has(t)) hit += this.lexical.idf(t);
      const s = containment(hit, e.weight, e.trust * trust);
      if (s > score) (score = s), (line = k);
    });
    let spread = 0;
    for (const t of e.tokens) if (paste.all.has(t)) spread += this.lexical.idf(t);
    return (paste.memo[e.id] = { score, line, spread: SPREAD_SHARE * containment(spread, e.weight, e.trust) });
  }

  /** The best overlap between a command the user ran and one the card lists. */
  private commandMatch(i: number, pasteCommands: Array<Set<string>>): number {
    let best = 0;
    for (const p of pasteCommands) {
      for (const c of (this.commandSets[i] ??= this.commandTokens[i]!.map((k) => new Set(k)))) {
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
      const extra = this.vectors.get(id);
      let p: number[];
      if (label !== undefined) p = this.dense.index.getPoint(label);
      else if (extra) {
        const n = Math.sqrt(extra.reduce((s, v) => s + v * v, 0)) || 1;
        p = extra.map((v) => v / n);
      } else continue;
      let dot = 0;
      for (let k = 0; k < p.length; k++) dot += (vector[k]! / norm) * p[k]!;
      out.set(id, dot);
    }
    return out;
  }

  /**
   * The candidates worth ranking, scored exactly, best first (ties in card order). Every card a
   * paste shares a word with gets an upper bound on its evidence; they are scored best bound
   * first until no bound left reaches the `depth`-th score (`depth` counts sections that read
   * differently, and covers the dense model's pool) or the best one's near-ties.
   * Cards it shares no word with score only their system's prior: per guide, the first few stand for the rest.
   */
  private shortlist(q: {
    lex: Float64Array;
    touched: number[];
    lexMax: number;
    allTokens: Set<string>;
    commandCards: Set<number>;
    system: SystemGuess;
    depth: number;
    include: string[];
    evaluate: (i: number) => Candidate;
  }): Candidate[] {
    const n = this.cards.length;
    const sysOf = new Float64Array(this.guides.length);
    this.guides.forEach((g, k) => (sysOf[k] = q.system.scores[g] ?? 0));
    const errBound = this.errorLineBounds(q.allTokens);
    const command = new Uint8Array(n);
    const reached = new Uint8Array(n);
    const pool: number[] = [];
    const reach = (i: number) => {
      if (!reached[i]) {
        reached[i] = 1;
        if (this.cards[i]!.kind !== 'reference') pool.push(i);
      }
    };
    for (const i of q.touched) reach(i);
    for (const i of errBound.touched) reach(i);
    for (const i of q.commandCards) (command[i] = 1), reach(i);

    // A hair of slack: bounds are summed in another order than exact scores.
    const slack = (b: number) => b * (1 + 1e-9) + 1e-12;
    // Entries 0..pool-1 are cards; the rest stand for each guide's cards the paste shares no word with.
    const bounds = new Float64Array(pool.length + this.guides.length);
    for (let k = 0; k < pool.length; k++) {
      const i = pool[k]!;
      // evidenceOf, written out: this runs for every card the paste reaches.
      const signals = WEIGHT.lexical * (q.lex[i]! / q.lexMax) + WEIGHT.errorLine * errBound.bound[i]! + WEIGHT.command * command[i]!;
      bounds[k] = slack(KIND_PRIOR[this.cards[i]!.kind] * signals + WEIGHT.system * sysOf[this.guideOf[i]!]!);
    }
    this.guides.forEach((_, g) => (bounds[pool.length + g] = slack(WEIGHT.system * sysOf[g]!)));
    const order = new MaxHeap(bounds);

    const scored = new Map<number, Candidate>();
    // Depth counts sections that read differently: copies of one under other systems' names count once.
    const best = new Map<string, number>();
    const evidences: number[] = []; // each reading's best, descending
    const insert = (e: number) => {
      let at = evidences.findIndex((x) => x < e);
      if (at < 0) at = evidences.length;
      evidences.splice(at, 0, e);
    };
    const add = (i: number) => {
      if (scored.has(i) || this.cards[i]!.kind === 'reference') return;
      const c = q.evaluate(i);
      scored.set(i, c);
      const key = this.readsAs[i]!;
      const was = best.get(key);
      if (was !== undefined && was >= c.evidence) return;
      if (was !== undefined) evidences.splice(evidences.indexOf(was), 1);
      best.set(key, c.evidence);
      insert(c.evidence);
    };
    for (let e = order.pop(); e >= 0; e = order.pop()) {
      const kth = evidences.length >= q.depth ? evidences[q.depth - 1]! : -Infinity;
      // A copy within reach of the best joins the dense model's pool with its section, whatever its own rank.
      if (bounds[e]! < kth && bounds[e]! < (evidences[0] ?? Infinity) - TIE_WINDOW) break;
      if (e < pool.length) add(pool[e]!);
      else {
        let taken = 0;
        for (const i of this.answerable[e - pool.length]!) {
          if (taken >= q.depth) break;
          if (reached[i]) continue;
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
  private errorLineBounds(all: Set<string>): { bound: Float64Array; touched: number[] } {
    const hit = new Float64Array(this.lines.length);
    const lines: number[] = [];
    for (const t of all) {
      const ids = this.linesWith.get(t);
      if (!ids) continue;
      const idf = this.lexical.idf(t);
      for (const id of ids) {
        if (hit[id] === 0) lines.push(id);
        hit[id] = hit[id]! + idf;
      }
    }
    const bound = new Float64Array(this.cards.length);
    const touched: number[] = [];
    for (const id of lines) {
      const e = this.lines[id]!;
      if (e.weight <= 0) continue;
      // containment(), with a square root for the 1.5 power (cheaper, and the slack covers the last digit).
      const r = Math.min(hit[id]! / e.weight, 1);
      const b = (CONTAINMENT_POWER === 1.5 ? r * Math.sqrt(r) : r ** CONTAINMENT_POWER) * Math.min(1, e.weight / INFORMATIVE_IDF) * e.trust * (1 + 1e-9);
      for (const card of e.cards) {
        if (bound[card] === 0) touched.push(card);
        if (b > bound[card]!) bound[card] = b;
      }
    }
    return { bound, touched };
  }
}

/** Indexes of a score array, largest score first, popped one at a time (-1 when empty). */
class MaxHeap {
  private readonly heap: Int32Array;
  private size: number;

  constructor(private readonly keys: Float64Array) {
    this.size = keys.length;
    this.heap = new Int32Array(keys.length);
    for (let i = 0; i < keys.length; i++) this.heap[i] = i;
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.down(i);
  }

  pop(): number {
    if (this.size === 0) return -1;
    const top = this.heap[0]!;
    this.heap[0] = this.heap[--this.size]!;
    this.down(0);
    return top;
  }

  private down(i: number): void {
    const { heap, keys } = this;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && keys[heap[l]!]! > keys[heap[m]!]!) m = l;
      if (r < this.size && keys[heap[r]!]! > keys[heap[m]!]!) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
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
 * What the dense model reads of a card, with the card's own system and guide names masked, as a
 * short hash: the same section in two systems' runbooks (a template per cluster) reads alike.
 */
function readsAs(c: ProblemCard): string {
  let text = cardEmbeddingText(c).toLowerCase();
  const names = new Set(`${c.guide} ${c.system ?? ''}`.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 3));
  for (const n of names) text = text.replace(new RegExp(`\\b${n}\\b`, 'g'), '\u00a7');
  return createHash('sha1').update(text).digest('base64').slice(0, 12);
}

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
