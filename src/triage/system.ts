import type { ProblemCard } from '../knowledge/card.js';
import { cardFieldText, FIELDS } from '../knowledge/lexical.js';
import { termCounts, tokenize } from '../text/tokens.js';

export interface SystemGuess {
  /** The guide id the paste most likely belongs to, or null when nothing points anywhere. */
  system: string | null;
  /** Probability per guide; they sum to at most 1, the rest is "unknown". */
  scores: Record<string, number>;
}

const ALPHA = 0.1;
/** The mass kept for "none of these", so a paste with few signature tokens stays unknown. */
const UNKNOWN_MASS = 2.5;

/**
 * Signatures learned from the guides themselves: tokens that one guide uses and the others
 * do not (binary names, log targets, CRD groups, ports, distinctive words).
 */
export class SystemDetector {
  private readonly weights = new Map<string, Map<string, number>>();
  readonly guides: string[];

  constructor(cards: ProblemCard[]) {
    const byGuide = new Map<string, Map<string, number>>();
    for (const c of cards) {
      const text = FIELDS.map((f) => cardFieldText(c)[f]).join('\n') + '\n' + c.path.join('\n');
      const counts = byGuide.get(c.guide) ?? new Map<string, number>();
      for (const [t, n] of termCounts(tokenize(text))) counts.set(t, (counts.get(t) ?? 0) + n);
      byGuide.set(c.guide, counts);
    }
    this.guides = [...byGuide.keys()].sort();
    const G = this.guides.length;
    const total = new Map<string, number>();
    for (const counts of byGuide.values()) for (const [t, n] of counts) total.set(t, (total.get(t) ?? 0) + n);
    for (const [t, all] of total) {
      const per = new Map<string, number>();
      for (const g of this.guides) {
        const n = byGuide.get(g)!.get(t) ?? 0;
        const share = (n + ALPHA) / (all + G * ALPHA);
        // Only tokens that clearly lean to one guide are signatures.
        if (n > 0 && share >= 0.6) per.set(g, Math.log1p(n) * (share - 1 / G) * 2);
      }
      if (per.size) this.weights.set(t, per);
    }
  }

  detect(tokens: Iterable<string>): SystemGuess {
    const raw: Record<string, number> = Object.fromEntries(this.guides.map((g) => [g, 0]));
    for (const t of new Set(tokens)) {
      const per = this.weights.get(t);
      if (!per) continue;
      for (const [g, w] of per) raw[g] = raw[g]! + w;
    }
    const exp = Object.fromEntries(this.guides.map((g) => [g, Math.expm1(Math.min(raw[g]!, 20))]));
    const sum = Object.values(exp).reduce((a, b) => a + b, 0) + UNKNOWN_MASS;
    const scores = Object.fromEntries(this.guides.map((g) => [g, exp[g]! / sum]));
    const best = this.guides.reduce<string | null>((b, g) => (b === null || scores[g]! > scores[b]! ? g : b), null);
    return { system: best && scores[best]! >= 0.5 ? best : null, scores };
  }

  /** The signature tokens of a guide that occur in the paste, strongest first. */
  evidence(tokens: Iterable<string>, guide: string): string[] {
    return [...new Set(tokens)]
      .map((t) => [t, this.weights.get(t)?.get(guide) ?? 0] as const)
      .filter(([, w]) => w > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([t]) => t);
  }
}
