import { z } from 'zod';
import shipped from './confidence-model.json' with { type: 'json' };
import type { Candidate, Ranking } from './retrieve.js';

/**
 * The answer's confidence: a logistic model over retrieval features, fitted on labelled pastes
 * (`medic fit`), so that 0.8 means right about 8 times in 10. The features describe the top
 * candidate, how far it stands above the next, and how much of the paste it explains.
 */
export const FEATURES = ['evidence', 'margin', 'errorLine', 'lexical', 'dense', 'system', 'systemNamed', 'coverMain', 'coverPaste', 'coverGuide', 'explained', 'unknown', 'problem'] as const;
export type Feature = (typeof FEATURES)[number];
export type FeatureVector = Record<Feature, number>;

const LogisticSchema = z.object({
  weights: z.array(z.number()),
  bias: z.number(),
  lambda: z.number(),
  /** How it did out of fold: for the record, not read at run time. */
  crossValidated: z.object({ folds: z.number(), logLoss: z.number(), brier: z.number() }),
});
export type Logistic = z.infer<typeof LogisticSchema>;

/**
 * Two questions, one feature set. `scope`: does some section of the guides fix this paste at
 * all? Medic answers only when it does. `right`: is the section it ranked first the one? That
 * is the confidence a reply shows.
 */
export const ConfidenceModelSchema = z.object({
  features: z.array(z.enum(FEATURES)),
  scope: LogisticSchema,
  right: LogisticSchema,
  fittedOn: z.array(z.object({ file: z.string(), cases: z.number() })),
});
export type ConfidenceModel = z.infer<typeof ConfidenceModelSchema>;

let model: ConfidenceModel | null = null;

/** The model shipped beside this file, validated once. */
export function shippedModel(): ConfidenceModel {
  if (!model) {
    const parsed = ConfidenceModelSchema.safeParse(shipped);
    if (!parsed.success) throw new Error(`src/triage/confidence-model.json is invalid (${z.prettifyError(parsed.error)}); run "npm run fit" to rebuild it`);
    if ([parsed.data.scope, parsed.data.right].some((l) => l.weights.length !== parsed.data.features.length))
      throw new Error('src/triage/confidence-model.json has a weight count that differs from its feature count; run "npm run fit"');
    model = parsed.data;
  }
  return model;
}

/** The features of the top candidate of a ranking. */
export function featuresOf(best: Candidate, ranking: Ranking): FeatureVector {
  const next = ranking.candidates[1];
  return {
    evidence: best.evidence,
    margin: best.evidence - (next?.evidence ?? 0),
    errorLine: best.features.errorLine,
    lexical: Math.log1p(best.features.lexical),
    dense: best.features.dense ?? 0,
    system: best.features.system,
    systemNamed: ranking.system.system ? 1 : 0,
    coverMain: best.coverage?.main ?? 0,
    coverPaste: best.coverage?.paste ?? 0,
    coverGuide: best.coverage?.guide ?? 0,
    explained: best.coverage?.explained ?? 0,
    unknown: ranking.unknown,
    problem: best.card.kind === 'problem' ? 1 : 0,
  };
}

/** The probability a logistic model gives for one feature vector. */
export function predict(features: readonly Feature[], m: Pick<Logistic, 'weights' | 'bias'>, fv: FeatureVector): number {
  let z = m.bias;
  features.forEach((f, i) => (z += m.weights[i]! * fv[f]));
  return 1 / (1 + Math.exp(-z));
}

/**
 * L2-regularised logistic regression by Newton's method: deterministic, so a refit on the same
 * pastes gives the same weights. The bias is not penalised.
 */
export function fitLogistic(X: number[][], y: number[], lambda: number, iterations = 50): { weights: number[]; bias: number } {
  const d = (X[0]?.length ?? 0) + 1;
  let w = new Array<number>(d).fill(0);
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(d).fill(0);
    const hess = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    X.forEach((row, n) => {
      const x = [1, ...row];
      const p = 1 / (1 + Math.exp(-x.reduce((s, v, j) => s + v * w[j]!, 0)));
      const r = p * (1 - p);
      for (let j = 0; j < d; j++) {
        grad[j]! += (p - y[n]!) * x[j]!;
        for (let k = 0; k < d; k++) hess[j]![k]! += r * x[j]! * x[k]!;
      }
    });
    for (let j = 1; j < d; j++) {
      grad[j]! += lambda * w[j]!;
      hess[j]![j]! += lambda;
    }
    hess[0]![0]! += 1e-9;
    const step = solve(hess, grad);
    w = w.map((v, j) => v - step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  const r6 = (v: number): number => Math.round(v * 1e6) / 1e6;
  return { bias: r6(w[0]!), weights: w.slice(1).map(r6) };
}

/** Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const pivot = M[c]![c]! || 1e-12;
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / pivot;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / (M[r]![r]! || 1e-12);
  }
  return x;
}

export interface ReliabilityRow {
  from: number;
  to: number;
  count: number;
  meanConfidence: number;
  shareRight: number;
}

const BUCKETS = [0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001];

/** Confidence buckets against the share of answers that were right in each. */
export function reliability(pairs: Array<{ confidence: number; right: boolean }>): ReliabilityRow[] {
  return BUCKETS.slice(0, -1).map((from, i) => {
    const to = BUCKETS[i + 1]!;
    const inside = pairs.filter((p) => p.confidence >= from && p.confidence < to);
    const mean = (f: (p: (typeof inside)[number]) => number): number => (inside.length ? inside.reduce((s, p) => s + f(p), 0) / inside.length : 0);
    return { from, to: Math.min(1, to), count: inside.length, meanConfidence: mean((p) => p.confidence), shareRight: mean((p) => (p.right ? 1 : 0)) };
  });
}
