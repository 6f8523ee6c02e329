import type { MedicConfig } from '../config.js';
import type { Reply } from '../reply/reply.js';
import type { ProblemCard } from '../knowledge/card.js';
import { createEmbedder, type MedicEmbedder } from '../knowledge/embedders/index.js';
import type { QueryVectors } from '../knowledge/embedders/query-vectors.js';
import { buildIndex, type BuildProgress, cardEmbeddingText, loadCards, loadDense, readSources, requireManifest, sourcesLine, staleReasons } from '../knowledge/index-store.js';
import { cardStub, storedCards } from '../knowledge/stored-cards.js';
import { LexicalIndex } from '../knowledge/lexical.js';
import { abstainReply, matchReply } from './answer.js';
import { extract } from './extract.js';
import { fingerprint } from './fingerprint.js';
import { type Candidate, Retriever, type RetrieverState } from './retrieve.js';
import { SystemDetector, type SystemGuess, type SystemHint } from './system.js';
import { tokenize } from '../text/tokens.js';
import { applyFeedback } from './feedback.js';
import { ALTERNATIVE_SHARE, CONFIRMED_CONFIDENCE, NAMED_SYSTEM_NATS, THREAD_NATS } from './scoring.js';
import { type EngineState, loadState, saveState, stateStamp } from './stored-state.js';
import { noteCard, TEAM } from '../knowledge/team-note.js';
import type { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import type { RecordStore } from '../store/records.js';
import { featuresOf, type FeatureVector, predict, shippedModel } from './confidence.js';
import type { FeedbackRecord } from '../store/records.js';

export interface Match {
  id: string;
  guide: string;
  title: string;
  path: string[];
  score: number;
}

export interface TriageResult {
  fingerprint: string;
  system: string | null;
  abstain: boolean;
  confidence: number;
  matches: Match[];
  reply: Reply;
  truncated: boolean;
}

/** Why it answered or abstained (`medic triage --json --explain`). */
export interface TriageExplain {
  decision: 'answered' | 'abstained';
  /** The fitted probability that some section fixes the paste: below `triage.answerAbove` (one half by default), Medic abstains. */
  inScope: number;
  /** The fitted probability that the first section is the one. */
  confidence: number;
  confirmedByPerson: boolean;
  /** What the confidence model read; null when no section was a candidate. */
  features: FeatureVector | null;
  systemScores: Record<string, number>;
  /** Evidence for the system from the paste's context, and where it came from. */
  systemContext: SystemHint[];
  salient: string[];
  /** Share of the main error's weight in words no guide uses. */
  unknownWords: number;
  usedDense: boolean;
  candidates: Array<Record<string, unknown> & { id: string; kind: string }>;
}

/** The registered nodes as triage reads them: a name or address in a paste names the node's system. */
export function registeredNodes(cfg: Pick<MedicConfig, 'nodes'>): NonNullable<TriageContext['nodes']> {
  return cfg.nodes.map((n) => ({ name: n.name, host: n.host, system: n.system }));
}

/** Where a paste was written, as a user gives it: evidence for its system beyond its own text. */
export interface TriageContext {
  /** A system the asker named: a channel tied to one (`chat.channels`), or `medic triage --system`. */
  system?: { guide: string; source: string };
  /** Registered nodes: one named in the paste (its name or host) names its system. */
  nodes?: Array<{ name: string; host: string; system: string }>;
  /** Earlier messages of the same thread, oldest first. */
  earlier?: string[];
}

export interface TriageOptions {
  context?: TriageContext;
  top?: number;
  /** What people said before about this fingerprint: it reorders the answer. */
  feedbackFor?: (fingerprint: string) => Promise<FeedbackRecord | null>;
  /** Include retrieval features per match (for tuning and the bench). */
  explain?: boolean;
}


/** When a started engine reads the text of every card (see storedCards). */
const WARM_AFTER_MS = 2000;

/** How often an engine asks the record store whether the team notes changed. */
const NOTES_EVERY_MS = 2000;

/** What the engine reads its cards with: kept, so team notes can be added to them. */
interface EngineParts {
  cards: ProblemCard[];
  retriever: Retriever;
  systems: SystemDetector;
  lexical: LexicalIndex;
  read: RetrieverState;
}

/** A paste's sentence vector, or null when it is not to be had in time. */
type QueryVector = (text: string) => Promise<number[] | null>;

/** The offline triage engine: guides in, the matching problem (or an honest abstention) out. */
export class TriageEngine {
  private notes: { version: string | null; checkedAt: number; syncing: Promise<void> | null } = { version: null, checkedAt: 0, syncing: null };

  private constructor(
    /** The guides' and runbooks' cards and what reads them, without team notes. */
    private readonly base: EngineParts,
    private parts: EngineParts,
    private readonly dense: { index: HNSWLib; embedder: MedicEmbedder } | null,
    /** The in-scope probability below which Medic abstains (`triage.answerAbove`). */
    private readonly answerAbove: number,
    private readonly query: QueryVector | null,
  ) {}

  get cards(): ProblemCard[] {
    return this.parts.cards;
  }

  private get retriever(): Retriever {
    return this.parts.retriever;
  }

  private get systems(): SystemDetector {
    return this.parts.systems;
  }

  /**
   * Team notes join the cards when the record store says they changed (saved or deleted in any
   * process), checked at most every two seconds. The guides' cards and a note's are read together,
   * so a note's words weigh as a guide's do; until the new reading is ready, the last one answers.
   */
  async syncNotes(store: Pick<RecordStore, 'notesVersion' | 'listNotes'>, o: { force?: boolean } = {}): Promise<void> {
    const now = Date.now();
    if (!o.force && now - this.notes.checkedAt < NOTES_EVERY_MS) return this.notes.syncing ?? undefined;
    if (o.force) await this.notes.syncing;
    this.notes.checkedAt = now;
    const version = await store.notesVersion();
    if (version === this.notes.version) return;
    this.notes.syncing ??= (async () => {
      try {
        const notes = await store.listNotes();
        const added = notes.map(noteCard);
        const vectors = new Map(this.dense && added.length ? (await this.dense.embedder.embedDocuments(added.map(cardEmbeddingText))).map((v, k) => [added[k]!.id, v] as const) : []);
        this.parts = added.length ? this.withNotes(added, vectors) : this.base;
        this.notes.version = version;
      } finally {
        this.notes.syncing = null;
      }
    })();
    return this.notes.syncing;
  }

  private static read(cards: ProblemCard[], dense: { index: HNSWLib; embedder: MedicEmbedder } | null, query: QueryVector | null, stored: EngineState | null): EngineParts & { state: Omit<EngineState, 'cards'> } {
    const lexical = stored ? LexicalIndex.restore(stored.lexical) : LexicalIndex.build(cards);
    const systems = stored ? SystemDetector.restore(stored.detector) : SystemDetector.build(cards);
    const read = stored?.retriever ?? Retriever.read(cards);
    const retriever = new Retriever(cards, lexical, systems, dense?.index ?? null, dense ? query : null, read);
    return { cards, retriever, systems, lexical, read, state: { lexical: lexical.state, detector: systems.state, retriever: read } };
  }

  /**
   * The guides' reading with team notes added: only the notes are read, their postings appended
   * to the stored lists. The system signatures stay the guides' own; a note counts for its
   * note's system.
   */
  private withNotes(added: ProblemCard[], vectors: Map<string, number[]>): EngineParts {
    const cards = [...this.base.cards, ...added];
    const lexical = this.base.lexical.withCards(added);
    const more = Retriever.read(added);
    const read: RetrieverState = { lines: [...this.base.read.lines, ...more.lines], commands: [...this.base.read.commands, ...more.commands], readsAs: [...this.base.read.readsAs, ...more.readsAs] };
    const retriever = new Retriever(cards, lexical, this.base.systems, this.dense?.index ?? null, this.dense ? this.query : null, read, vectors);
    return { cards, retriever, systems: this.base.systems, lexical, read };
  }

  /**
   * Opens the index, building or refreshing it first when it is missing or stale
   * (`onNotice` hears why, for stderr).
   */
  static async open(
    cfg: MedicConfig,
    opts: {
      onNotice?: (msg: string) => void;
      onProgress?: (p: BuildProgress) => void;
      embedder?: MedicEmbedder;
      /** Without the dense model (bundle analysis): less memory and a faster start; near-ties stay in lexical order. */
      dense?: boolean;
      /** Where a paste's vector comes from (the bot's thread); the embedder itself, in line, by default. */
      queryVectors?: QueryVectors;
    } = {},
  ): Promise<TriageEngine> {
    const embedder = opts.embedder ?? createEmbedder(cfg.embedder);
    const guides = readSources(cfg);
    const reasons = staleReasons(cfg.indexDir, guides, embedder.id);
    if (reasons.length) {
      opts.onNotice?.(`medic: building the index (${reasons.join('; ')})`);
      const started = Date.now();
      const r = await buildIndex(cfg, cfg.indexDir, embedder, { ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
      opts.onNotice?.(`medic: index ready: ${r.cards} cards from ${sourcesLine(r.manifest)} in ${Date.now() - started} ms`);
    }
    const useDense = opts.dense ?? true;
    // What the cards say to the engine is worked out once per index build and kept beside it;
    // with it, a start reads the cards' stubs, and a card's text when it first answers.
    const stamp = stateStamp(requireManifest(cfg.indexDir));
    const stored = loadState(cfg.indexDir, stamp);
    const full = stored ? null : loadCards(cfg.indexDir);
    const lazy = stored ? storedCards(cfg.indexDir, stored.cards) : null;
    const cards = lazy?.cards ?? full!.cards;
    // The first answers go first; the rest of the text follows a moment later.
    if (lazy) {
      setTimeout(() => {
        try {
          lazy.warm();
        } catch (err) {
          // The index was rebuilt under this process: its cards are read as they are asked for.
          opts.onNotice?.(`medic: could not read every card's text ahead: ${(err as Error).message}`);
        }
      }, WARM_AFTER_MS).unref();
    }
    const dense = useDense ? await loadDense(cfg.indexDir, embedder) : null;
    // With the vectors from a thread, this process's model is needed only for team notes, loaded then.
    if (useDense && !opts.queryVectors) await embedder.load();
    const withDense = dense ? { index: dense, embedder } : null;
    await opts.queryVectors?.load();
    const query: QueryVector = opts.queryVectors ? (t) => opts.queryVectors!.vector(t) : (t) => embedder.embedQuery(t);
    const parts = TriageEngine.read(cards, withDense, query, stored);
    if (full) saveState(cfg.indexDir, stamp, { ...parts.state, cards: full.cards.map((c, i) => cardStub(c, full.files[i]!)) });
    return new TriageEngine(parts, parts, withDense, cfg.triage.answerAbove, query);
  }

  /** The full answer for one card, as when a person picks it among the alternatives. */
  answerFor(cardId: string, fingerprint: string): Reply | null {
    const card = this.card(cardId);
    if (!card) return null;
    const as: Candidate = { card, evidence: 1, score: 1, features: { lexical: 0, errorLine: 0, dense: null, command: 0, system: 0 }, why: null, coverage: null };
    const reply = matchReply(as, [], 1, fingerprint, []);
    reply.summary = card.guide === TEAM ? `From a team note: "${card.title}".` : `From the ${card.guide} ${card.source ? `runbook ${card.source}` : 'guide'}: "${card.path.join(' > ')}".`;
    return reply;
  }

  /** Which guide's system a text (file names, config keys, log lines) belongs to. */
  detectSystem(text: string): SystemGuess {
    return this.systems.detect(tokenize(text), text);
  }

  /** The system evidence that a paste's context gives. */
  hints(paste: string, ctx: TriageContext): SystemHint[] {
    const out: SystemHint[] = [];
    if (ctx.system) out.push({ guide: ctx.system.guide, nats: NAMED_SYSTEM_NATS, source: ctx.system.source });
    for (const n of ctx.nodes ?? []) {
      const named = [n.name, n.host].find((w) => w && new RegExp(`(^|[^\\w.-])${escapeRegExp(w)}($|[^\\w-]|\\.(?!\\w))`, 'i').test(paste));
      if (named) out.push({ guide: n.system, nats: NAMED_SYSTEM_NATS, source: `node ${n.name} (${named === n.name ? 'named' : 'its address'} in the paste)` });
    }
    const earlier = (ctx.earlier ?? []).join('\n');
    if (earlier.trim()) {
      const guess = this.detectSystem(earlier);
      if (guess.system) out.push({ guide: guess.system, nats: THREAD_NATS, source: 'earlier in the thread' });
    }
    return out.filter((h) => this.systems.guides.includes(h.guide));
  }

  /** The guides (system ids) the engine knows. */
  get guides(): string[] {
    return this.systems.guides;
  }

  card(id: string): ProblemCard | undefined {
    return this.retriever.card(id);
  }

  async triage(paste: string, opts: TriageOptions = {}): Promise<TriageResult & { explain?: TriageExplain }> {
    const top = opts.top ?? 3;
    const x = extract(paste);
    const fp = fingerprint(x);
    const feedback = opts.feedbackFor ? await opts.feedbackFor(fp) : null;
    // The cards people confirmed or rejected are ranked whatever their score, so feedback can move them.
    const include = feedback ? [...feedback.picked, ...feedback.fixed, ...feedback.notIt] : [];
    const ranking = await this.retriever.rank(x, opts.context ? this.hints(paste, opts.context) : [], { depth: top, include });
    const confirmed = feedback ? applyFeedback(ranking.candidates, feedback) : false;
    const best = ranking.candidates[0];
    // A person confirmed this answer for this fingerprint: that is the strongest evidence there is.
    // Rounded once, so the reply and the result never print it differently.
    const features = best ? featuresOf(best, ranking) : null;
    const model = shippedModel();
    // Whether any section fixes this paste decides whether to answer; the confidence shown is whether the first one does.
    const inScope = features ? predict(model.features, model.scope, features) : 0;
    const fitted = features ? predict(model.features, model.right, features) : 0;
    const confidence = round(confirmed ? Math.max(fitted, CONFIRMED_CONFIDENCE) : fitted);
    // Someone said no section fits this error: stay out of it until someone picks one.
    const ruledOut = !confirmed && feedback?.noneFits === true;
    const abstain = !best || ruledOut || (!confirmed && inScope < this.answerAbove);
    const notes = x.truncated ? ['the paste was long: only its salient lines and its start and end were read'] : [];
    if (ruledOut) notes.push('someone marked this error as one that no guide section fixes; if one does, use "Pick a section"');
    // Alternatives worth offering: close enough to the answer to be the real problem.
    const alternatives = ranking.candidates.slice(1, 3).filter((c) => best && c.evidence >= ALTERNATIVE_SHARE * best.evidence && c.score > 0);
    const reply = abstain || !best ? abstainReply(ranking.system.system, ranking.candidates.slice(0, 2), fp, notes, ruledOut) : matchReply(best, alternatives, confidence, fp, notes);
    const matches = ranking.candidates.slice(0, top).map((c) => toMatch(c));
    const result: TriageResult & { explain?: TriageExplain } = {
      fingerprint: fp,
      system: ranking.system.system ?? (best && !abstain ? best.card.guide : null),
      abstain,
      confidence,
      matches,
      reply,
      truncated: x.truncated,
    };
    if (opts.explain) {
      result.explain = {
        decision: abstain ? 'abstained' : 'answered',
        inScope: round(inScope),
        confidence,
        confirmedByPerson: confirmed,
        features: features ? (roundAll(features) as FeatureVector) : null,
        systemScores: ranking.system.scores,
        systemContext: ranking.system.context,
        salient: x.salient.map((s) => s.text),
        unknownWords: round(ranking.unknown),
        usedDense: ranking.usedDense,
        candidates: ranking.candidates.slice(0, top).map((c) => ({
          id: c.card.id,
          kind: c.card.kind,
          score: round(c.score),
          evidence: round(c.evidence),
          ...roundAll(c.features),
          coverage: c.coverage ? { main: round(c.coverage.main), paste: round(c.coverage.paste), guide: round(c.coverage.guide), explained: round(c.coverage.explained), line: c.coverage.line, unexplained: c.coverage.unexplained.slice(0, 8) } : null,
          why: c.why,
        })),
      };
    }
    return result;
  }
}


function toMatch(c: Candidate): Match {
  return { id: c.card.id, guide: c.card.guide, title: c.card.title, path: c.card.path, score: round(c.score) };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function roundAll(o: object): Record<string, number | null> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null ? null : round(v)]));
}
