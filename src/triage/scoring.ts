import type { ProblemCard } from '../knowledge/card.js';

/**
 * Every number that decides a triage answer, in one place. Retrieval (`retrieve.ts`) ranks
 * sections with the evidence constants; the engine decides whether to answer with the fitted
 * confidence model (`confidence.ts`) over the features below.
 */

/** USE-lite similarity below this says nothing: unrelated sentences often score 0.3. */
export const DENSE_FLOOR = 0.35;
/** Half of a guide line found in a paste is much weaker evidence than all of it. */
export const CONTAINMENT_POWER = 1.5;
/** Symptoms in words ("Out of memory errors") are weaker evidence than literal error lines. */
export const SYMPTOM_TRUST = 0.85;
/** A sentence the person wrote counts less than output they copied. */
export const PROSE_TRUST = 0.6;
/** Glossary words stand in for the paste's codes: nearly as good as the paste's own words. */
export const GLOSSARY_TRUST = 0.8;
/** Stack frames name files and functions, which say where it failed and little about what. */
export const FRAME_WEIGHT = 0.25;
/** How far an error line's evidence reaches when its tokens are spread over several paste lines. */
export const SPREAD_SHARE = 0.7;
/** IDF mass at which a guide line is fully informative: "Forbidden" alone is weak however exactly it matches. */
export const INFORMATIVE_IDF = 9;

/** How the evidence signals mix into one ranking score. */
export const WEIGHT = { lexical: 0.4, errorLine: 0.35, dense: 0.15, command: 0.1, system: 0.2 };
/** Candidates this close to the best are re-ranked with the dense model; the rest cannot reach it. */
export const TIE_WINDOW = WEIGHT.dense;
/** A reference (templates, checklists, log samples) is never an answer. */
export const KIND_PRIOR: Record<ProblemCard['kind'], number> = { problem: 1, row: 0.9, procedure: 0.85, reference: 0 };

/** A system the asker named (a channel tied to it, --system, a registered node in the paste): stronger than the guide's own name in the paste (6), so the paste must name another system twice over to be read as its. */
export const NAMED_SYSTEM_NATS = 9;
/** The system that people's earlier messages in the thread point to: as strong as the guide's name in the paste, since they are one conversation. */
export const THREAD_NATS = 6;

/** By default, answer only when the fitted scope model says some section more likely than not fixes the paste (`triage.answerAbove`). */
export const ABSTAIN_BELOW = 0.5;
/** An alternative is offered only when its evidence is this share of the answer's. */
export const ALTERNATIVE_SHARE = 0.6;
/** A card a person confirmed for this fingerprint is answered with at least this confidence. */
export const CONFIRMED_CONFIDENCE = 0.9;

/** The raw signals of one candidate section. */
export interface Signals {
  lexical: number;
  errorLine: number;
  dense: number | null;
  command: number;
  system: number;
}

/** The ranking evidence of one card: a pure function of its signals and its kind. */
export function evidenceOf(s: Signals, kind: ProblemCard['kind'], lexMax: number): number {
  return KIND_PRIOR[kind] * (WEIGHT.lexical * (s.lexical / Math.max(1e-9, lexMax)) + WEIGHT.errorLine * s.errorLine + WEIGHT.command * s.command) + WEIGHT.system * s.system;
}

/** What the dense model adds to a near-tie: nothing below the floor, at most its weight. */
export function denseBonus(sim: number, kind: ProblemCard['kind']): number {
  return KIND_PRIOR[kind] * WEIGHT.dense * Math.max(0, Math.min(1, (sim - DENSE_FLOOR) / (1 - DENSE_FLOOR)));
}

/** How much of a guide line one paste line contains, IDF-weighted, discounted for short lines and trust. */
export function containment(hitIdf: number, lineIdf: number, trust: number): number {
  if (lineIdf <= 0) return 0;
  return (hitIdf / lineIdf) ** CONTAINMENT_POWER * Math.min(1, lineIdf / INFORMATIVE_IDF) * trust;
}
