import type { MedicConfig } from '../config.js';
import type { Reply } from '../chat/reply.js';
import type { ProblemCard } from '../knowledge/card.js';
import { createEmbedder, type MedicEmbedder } from '../knowledge/embedders/index.js';
import { buildIndex, type BuildProgress, loadCards, loadIndex, readGuides, staleReasons } from '../knowledge/index-store.js';
import { LexicalIndex } from '../knowledge/lexical.js';
import { abstainReply, matchReply } from './answer.js';
import { extract } from './extract.js';
import { fingerprint } from './fingerprint.js';
import { type Candidate, Retriever } from './retrieve.js';
import { SystemDetector, type SystemGuess } from './system.js';
import { tokenize } from '../text/tokens.js';
import { applyFeedback } from './feedback.js';
import { ABSTAIN_BELOW, ALTERNATIVE_SHARE, CONFIRMED_CONFIDENCE } from './scoring.js';
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

export interface TriageOptions {
  top?: number;
  /** What people said before about this fingerprint: it reorders the answer. */
  feedbackFor?: (fingerprint: string) => Promise<FeedbackRecord | null>;
  /** Include retrieval features per match (for tuning and the bench). */
  explain?: boolean;
}


/** The offline triage engine: guides in, the matching problem (or an honest abstention) out. */
export class TriageEngine {
  private constructor(
    readonly cards: ProblemCard[],
    private readonly retriever: Retriever,
    private readonly systems: SystemDetector,
  ) {}

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
    } = {},
  ): Promise<TriageEngine> {
    const embedder = opts.embedder ?? createEmbedder(cfg.embedder);
    const guides = readGuides(cfg.knowledgeDir);
    const reasons = staleReasons(cfg.indexDir, guides, embedder.id);
    if (reasons.length) {
      opts.onNotice?.(`medic: building the index (${reasons.join('; ')})`);
      const started = Date.now();
      const r = await buildIndex(cfg.knowledgeDir, cfg.indexDir, embedder, { ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
      opts.onNotice?.(`medic: index ready: ${r.cards} cards from ${Object.keys(r.manifest.guides).length} guides in ${Date.now() - started} ms`);
    }
    const useDense = opts.dense ?? true;
    const { cards, dense } = useDense ? await loadIndex(cfg.indexDir, embedder) : { ...loadCards(cfg.indexDir), dense: null };
    if (useDense) await embedder.load();
    const lexical = new LexicalIndex(cards);
    const systems = new SystemDetector(cards);
    const retriever = new Retriever(cards, lexical, systems, dense, useDense ? (text) => embedder.embedQuery(text) : null);
    return new TriageEngine(cards, retriever, systems);
  }

  /** The full answer for one card, as when a person picks it among the alternatives. */
  answerFor(cardId: string, fingerprint: string): Reply | null {
    const card = this.cards.find((c) => c.id === cardId);
    if (!card) return null;
    const as: Candidate = { card, evidence: 1, score: 1, features: { lexical: 0, errorLine: 0, dense: null, command: 0, system: 0 }, why: null };
    const reply = matchReply(as, [], 1, fingerprint, []);
    reply.summary = `From the ${card.guide} guide: "${card.path.join(' > ')}".`;
    return reply;
  }

  /** Which guide's system a text (file names, config keys, log lines) belongs to. */
  detectSystem(text: string): SystemGuess {
    return this.systems.detect(tokenize(text), text);
  }

  card(id: string): ProblemCard | undefined {
    return this.cards.find((c) => c.id === id);
  }

  async triage(paste: string, opts: TriageOptions = {}): Promise<TriageResult & { explain?: unknown }> {
    const top = opts.top ?? 3;
    const x = extract(paste);
    const fp = fingerprint(x);
    const ranking = await this.retriever.rank(x);
    const feedback = opts.feedbackFor ? await opts.feedbackFor(fp) : null;
    const confirmed = feedback ? applyFeedback(ranking.candidates, feedback) : false;
    const best = ranking.candidates[0];
    // A person confirmed this answer for this fingerprint: that is the strongest evidence there is.
    // Rounded once, so the reply and the result never print it differently.
    const confidence = round(best ? (confirmed ? Math.max(confidenceOf(best), CONFIRMED_CONFIDENCE) : confidenceOf(best)) : 0);
    const abstain = !best || confidence < ABSTAIN_BELOW;
    const notes = x.truncated ? ['the paste was long: only its salient lines and its start and end were read'] : [];
    // Alternatives worth offering: close enough to the answer to be the real problem.
    const alternatives = ranking.candidates.slice(1, 3).filter((c) => best && c.evidence >= ALTERNATIVE_SHARE * best.evidence && c.score > 0);
    const reply = abstain || !best ? abstainReply(ranking.system.system, ranking.candidates.slice(0, 2), fp, notes) : matchReply(best, alternatives, confidence, fp, notes);
    const matches = ranking.candidates.slice(0, top).map((c) => toMatch(c));
    const result: TriageResult & { explain?: unknown } = {
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
        systemScores: ranking.system.scores,
        salient: x.salient.map((s) => s.text),
        usedDense: ranking.usedDense,
        candidates: ranking.candidates.slice(0, top).map((c) => ({ id: c.card.id, score: round(c.score), evidence: round(c.evidence), ...roundAll(c.features), why: c.why })),
      };
    }
    return result;
  }
}


/**
 * Confidence on a 0..1 scale from the fused score. The fused score already mixes absolute
 * evidence (an error line found verbatim, lexical and dense similarity, the system named by
 * the paste), so a weak top score means no section is really supported.
 */
function confidenceOf(best: Candidate): number {
  return Math.max(0, Math.min(1, (best.evidence - 0.2) / 0.6));
}

function toMatch(c: Candidate): Match {
  return { id: c.card.id, guide: c.card.guide, title: c.card.title, path: c.card.path, score: round(c.score) };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function roundAll(o: object): Record<string, number | null> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null ? null : round(v)]));
}
