import type { FeedbackRecord } from '../store/records.js';
import type { Candidate } from './retrieve.js';

/** Far above any evidence score, so confirmed cards rank first and rejected ones last. */
const CONFIRMED = 10;
const REJECTED = -10;

/**
 * Reorders candidates by what people said about this fingerprint: the card most recently
 * marked fixed or picked ranks first, cards marked "not it" rank last. Returns whether the
 * top card is one a person confirmed.
 */
export function applyFeedback(candidates: Candidate[], fb: FeedbackRecord): boolean {
  const confirmed = [...fb.picked, ...fb.fixed];
  const rank = new Map<string, number>();
  // Later entries are more recent and win.
  confirmed.forEach((id, i) => rank.set(id, CONFIRMED + i / 100));
  for (const c of candidates) {
    const boost = rank.get(c.card.id);
    if (boost !== undefined) c.score = boost + c.evidence / 100;
    else if (fb.notIt.includes(c.card.id)) c.score = REJECTED + c.evidence / 100;
  }
  candidates.sort((a, b) => b.score - a.score);
  const top = candidates[0];
  return top !== undefined && rank.has(top.card.id);
}
