import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { openEngine } from './progress-bars.js';
import {
  type ConfidenceModel,
  FEATURES,
  type FeatureVector,
  fitLogistic,
  type Logistic,
  predict,
  reliability,
  type ReliabilityRow,
  shippedModel,
} from '../triage/confidence.js';
import type { TriageEngine } from '../triage/engine.js';
import { isRightAnswer, type LabelledCase, LabelledCaseSchema } from '../triage/labels.js';

/** Regularisation strengths tried; the one with the lowest out-of-fold log loss is kept. Weaker ones let collinear coverage features swing far on pastes unlike any labelled one. */
const LAMBDAS = [0.1, 0.3, 1, 3, 10];
/** Thresholds whose trade-off the fit reports. */
const ANSWER_ABOVE_CHOICES = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8];

interface Example {
  id: string;
  file: string;
  none: boolean;
  features: FeatureVector | null;
  right: boolean;
}

/** Reads labelled pastes; a bad line names its file and line number. */
export function readCases(file: string): LabelledCase[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.trim())
    .map(({ line, n }) => {
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        throw new InvalidArgumentError(`${file}:${n} is not JSON`);
      }
      const parsed = LabelledCaseSchema.safeParse(raw);
      if (!parsed.success) throw new InvalidArgumentError(`${file}:${n}: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
      return parsed.data;
    });
}

async function examples(engine: TriageEngine, files: string[]): Promise<Example[]> {
  const out: Example[] = [];
  for (const file of files) {
    for (const c of readCases(file)) {
      const r = await engine.triage(c.paste, { top: 1, explain: true });
      const top = r.matches[0];
      out.push({ id: c.id, file, none: c.target_guide === 'none', features: r.explain?.features ?? null, right: top !== undefined && isRightAnswer(top, c) });
    }
  }
  return out;
}

const vector = (fv: FeatureVector): number[] => FEATURES.map((f) => fv[f]);

function logLoss(pairs: Array<{ p: number; right: boolean }>): number {
  const eps = 1e-9;
  return -pairs.reduce((s, { p, right }) => s + Math.log(right ? Math.max(eps, p) : Math.max(eps, 1 - p)), 0) / Math.max(1, pairs.length);
}

function brier(pairs: Array<{ p: number; right: boolean }>): number {
  return pairs.reduce((s, { p, right }) => s + (p - (right ? 1 : 0)) ** 2, 0) / Math.max(1, pairs.length);
}

type Label = (e: Example) => boolean;
type Scored = { p: number; right: boolean; ex: Example };

/** Out-of-fold predictions: each example scored by a model that never saw it. */
function crossValidate(data: Example[], folds: number, lambda: number, label: Label): Scored[] {
  const out: Scored[] = [];
  for (let k = 0; k < folds; k++) {
    const train = data.filter((_, i) => i % folds !== k);
    const test = data.filter((_, i) => i % folds === k);
    const fit = fitLogistic(train.map((e) => vector(e.features!)), train.map((e) => (label(e) ? 1 : 0)), lambda);
    for (const e of test) out.push({ p: predict(FEATURES, fit, e.features!), right: label(e), ex: e });
  }
  return out;
}

/** Picks the regularisation by out-of-fold log loss, then fits on everything. */
function fitOne(name: string, data: Example[], folds: number, label: Label): { model: Logistic; oof: Scored[] } {
  const scored = LAMBDAS.map((lambda) => ({ lambda, oof: crossValidate(data, folds, lambda, label) }));
  const best = scored.reduce((a, b) => (logLoss(b.oof) < logLoss(a.oof) - 1e-9 ? b : a));
  process.stdout.write(`${name}: out-of-fold log loss ${scored.map((s) => `${logLoss(s.oof).toFixed(4)} (lambda ${s.lambda})`).join(', ')}\n`);
  const fit = fitLogistic(data.map((e) => vector(e.features!)), data.map((e) => (label(e) ? 1 : 0)), best.lambda);
  const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;
  return { model: { ...fit, lambda: best.lambda, crossValidated: { folds, logLoss: r4(logLoss(best.oof)), brier: r4(brier(best.oof)) } }, oof: best.oof };
}

export function renderReliability(rows: ReliabilityRow[]): string {
  const lines = ['confidence    answers  mean conf  right'];
  for (const r of rows) {
    if (!r.count) continue;
    lines.push(`${r.from.toFixed(1)}-${r.to.toFixed(1)}  ${String(r.count).padStart(9)}  ${r.meanConfidence.toFixed(2).padStart(9)}  ${(100 * r.shareRight).toFixed(0).padStart(4)}%`);
  }
  return lines.join('\n');
}

/** What the scope decision does at a threshold: pastes answered, "none" pastes abstained, answerable ones withheld. */
function summary(scope: Array<{ p: number; ex: Example }>, answerAbove: number): string {
  const answered = scope.filter((x) => x.p >= answerAbove);
  const none = scope.filter((x) => x.ex.none);
  const noneAbstained = none.filter((x) => x.p < answerAbove).length;
  const answerable = scope.length - none.length;
  const withheld = scope.filter((x) => !x.ex.none && x.p < answerAbove).length;
  const rightAnswered = answered.filter((x) => x.ex.right).length;
  return `answered ${answered.length}/${scope.length} (${rightAnswered} right at rank 1); "none" abstained ${noneAbstained}/${none.length}; answerable withheld ${withheld}/${answerable}`;
}

export function register(program: Command): void {
  program
    .command('fit')
    .description("fit the triage confidence model on labelled pastes, with cross-validation (--check: report the shipped model's reliability instead)")
    .addHelpText('after', '\nExamples:\n  $ medic fit --cases my-pastes.jsonl --out model.json\n  $ medic fit --check --cases my-pastes.jsonl')
    .requiredOption('--cases <files...>', 'labelled pastes, JSON Lines: {"id","paste","target_guide","expected_problem","acceptable"}')
    .option('--out <file>', 'where to write the fitted model', 'src/triage/confidence-model.json')
    .option('--folds <n>', 'cross-validation folds', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 2 || n > 20) throw new InvalidArgumentError('expected a whole number from 2 to 20');
      return n;
    }, 5)
    .option('--check', 'fit nothing: print how the shipped model does on these pastes')
    .action(async (o: { cases: string[]; out: string; folds: number; check?: boolean }) => {
      for (const f of o.cases) readCases(f);
      const cfg = loadConfig();
      const engine = await openEngine(cfg);
      const data = await examples(engine, o.cases);
      // A paste with no candidate at all always abstains: there is nothing to fit.
      const usable = data.filter((e) => e.features);
      const table = (pairs: Scored[]): string => renderReliability(reliability(pairs.map((x) => ({ confidence: x.p, right: x.ex.right }))));
      if (o.check) {
        const m = shippedModel();
        const scope = data.map((ex) => ({ p: ex.features ? predict(m.features, m.scope, ex.features) : 0, ex }));
        const right = data.map((ex) => ({ p: ex.features ? predict(m.features, m.right, ex.features) : 0, right: ex.right, ex }));
        process.stdout.write(`reliability of the shipped model on ${data.length} pastes (${o.cases.join(', ')}): confidence against answers right at rank 1\n`);
        process.stdout.write(table(right) + '\n');
        process.stdout.write(`${summary(scope, cfg.triage.answerAbove)}; confidence log loss ${logLoss(right).toFixed(3)}, Brier ${brier(right).toFixed(3)}\n`);
        return;
      }
      const scope = fitOne('scope (some section fixes it)', usable, o.folds, (e) => !e.none);
      const right = fitOne('right (the first section fixes it)', usable, o.folds, (e) => e.right);
      process.stdout.write(`\nout-of-fold reliability of the confidence (${o.folds} folds):\n${table(right.oof)}\n`);
      // The trade-off a team chooses with triage.answerAbove in medic.yaml.
      process.stdout.write('out of fold, by triage.answerAbove:\n');
      for (const t of [...new Set([...ANSWER_ABOVE_CHOICES, cfg.triage.answerAbove])].sort((a, b) => a - b)) process.stdout.write(`  ${t.toFixed(2)}${t === cfg.triage.answerAbove ? ' (in use)' : ''}: ${summary(scope.oof, t)}\n`);
      const model: ConfidenceModel = {
        features: [...FEATURES],
        scope: scope.model,
        right: right.model,
        fittedOn: o.cases.map((f) => ({ file: relative(process.cwd(), f), cases: data.filter((e) => e.file === f).length })),
      };
      writeFileSync(o.out, JSON.stringify(model, null, 2) + '\n');
      process.stdout.write(`\nwrote ${o.out}\n`);
    });
}
