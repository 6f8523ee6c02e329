import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseGuide } from '../src/knowledge/guide-parser.js';
import { lineTemplate } from '../src/text/mask.js';
import { tokenize } from '../src/text/tokens.js';
import { expand } from '../src/triage/glossary.js';
import { concentration, SystemDetector } from '../src/triage/system.js';
import { coverageOf, covered, lineTerms, queryWeights, unknownShare } from '../src/triage/coverage.js';
import { FEATURES, fitLogistic, predict, reliability, shippedModel } from '../src/triage/confidence.js';
import { containment, evidenceOf } from '../src/triage/scoring.js';
import { ROOT } from './helpers.js';

const guides = ['hourglass', 'hybridgrid', 'llmspell', 'lloom', 'starcoder'];
const cards = guides.flatMap((g) => parseGuide(g, readFileSync(join(ROOT, 'knowledge', `${g}.md`), 'utf8')));

describe('scoring, golden values', () => {
  it('glossary: universal codes become the words guides use, and nothing else fires', () => {
    assert.deepEqual(expand('Error: Address already in use (os error 98)'), ['address already in use port conflict']);
    assert.deepEqual(expand('dial tcp 10.0.0.7:4001: connect: connection refused (os error 111)'), ['connection refused']);
    assert.deepEqual(expand('x509: certificate signed by unknown authority'), ['tls ssl certificate']);
    assert.deepEqual(expand('HTTP/1.1 429 Too Many Requests'), ['rate limit exceeded 429']);
    assert.deepEqual(expand('fatal: not a git repository (or any of the parent directories): .git'), []);
  });

  it('line templates mask times, addresses, ports, peer ids and counts', () => {
    assert.equal(
      lineTemplate('2025-08-14T09:12:02Z ERROR lloom_core::network: Failed to dial 10.0.0.5:4001 peer 12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo after 3 attempts'),
      'timestamp error lloom_core::network: failed to dial ipaddr : masknum peer peerid after masknum attempts',
    );
  });

  it('system detection: a guide-only word is a signature, a word every guide uses is not', () => {
    assert.equal(concentration([0.01, 0, 0, 0, 0]), 1);
    assert.ok(Math.abs(concentration([0.01, 0.01, 0.01, 0.01, 0.01])) < 1e-9);
    const detector = SystemDetector.build(cards);
    const of = (text: string) => detector.detect(tokenize(text), text);
    assert.equal(of('kubectl get performers -n my-avs-project').system, 'hourglass');
    assert.equal(of('hg-coord worker unreachable').system, 'hybridgrid');
    assert.equal(of('connection timeout').system, null, 'a generic condition names no system');
    // "kubernetes" is a word only the Hourglass guide uses: it leans that way, as a word does.
    const k8s = of('kubernetes deployment mode').scores;
    assert.ok(k8s.hourglass! > 0.2 && Object.entries(k8s).every(([g, p]) => g === 'hourglass' || p < 0.1), JSON.stringify(k8s));
    // Context counts as much as the guide's own name in the paste.
    const hinted = detector.detect(['connection', 'timeout'], 'connection timeout', [{ guide: 'lloom', nats: 6, source: '--system' }]);
    assert.equal(hinted.system, 'lloom');
    assert.deepEqual(hinted.context.map((h) => h.source), ['--system']);
  });

  it('coverage: the share of the main line a section holds, rarest words counting most', () => {
    const idf = (t: string) => ({ dial: 4, bootstrap: 5, peer: 3, fail: 1, merg: 6 })[t] ?? 6;
    const known = (t: string) => ['dial', 'bootstrap', 'peer', 'fail'].includes(t);
    const corpus = { idf, known };
    const terms = lineTerms('failed to dial bootstrap peer', corpus);
    assert.deepEqual([...terms.keys()].sort(), ['bootstrap', 'dial', 'fail', 'peer']);
    assert.equal(covered(terms, (t) => (['dial', 'bootstrap', 'peer', 'fail'].includes(t) ? 1 : 0)), 1);
    assert.equal(covered(terms, (t) => (t === 'fail' ? 1 : 0)), 1 / 13);
    const c = coverageOf([{ line: 'failed to dial bootstrap peer', terms }], queryWeights(new Map([['dial', 1]]), corpus), corpus, (t) => (t === 'bootstrap' ? 1 : 0), (t) => t !== 'peer');
    // The line's weight (13) is above the floor (12), so shares are of 13.
    assert.equal(c.main, 5 / 13);
    assert.equal(c.guide, 10 / 13, 'the guide uses every word but "peer"');
    assert.deepEqual(c.unexplained, ['dial', 'peer', 'fail']);
    // Two common words fully held are still little evidence: the floor keeps the share low.
    const thin = lineTerms('peer failed', corpus);
    assert.equal(covered(thin, () => 1, 12), 4 / 12);
    // Words no section uses at all: another tool's error.
    assert.equal(unknownShare([lineTerms('refusing to merge unrelated histories', corpus)], corpus), 1);
    // Ids and counts no section uses are not vocabulary.
    assert.deepEqual([...lineTerms('job 8f3a9c21 failed', corpus).keys()], ['job', 'fail']);
  });

  it('evidence and containment are pure functions of their inputs', () => {
    assert.equal(containment(9, 9, 1), 1);
    assert.equal(containment(0, 9, 1), 0);
    assert.ok(Math.abs(containment(9, 4.5, 1) - 2 ** 1.5 * 0.5) < 1e-12);
    const signals = { lexical: 10, errorLine: 1, dense: null, command: 0, system: 1 };
    assert.equal(evidenceOf(signals, 'problem', 10), 0.4 + 0.35 + 0.2);
    assert.equal(evidenceOf(signals, 'reference', 10), 0.2);
  });

  it('calibration: the fitted model loads, logistic fitting recovers a known rule, and buckets count right', () => {
    const m = shippedModel();
    assert.deepEqual(m.features, [...FEATURES]);
    assert.equal(m.scope.weights.length, FEATURES.length);
    assert.ok(m.fittedOn.length > 0, 'fitted on labelled pastes');
    // y = 1 when x0 > 0.5: the weight on x0 is large and positive, the other near zero.
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 200; i++) {
      const x0 = (i % 20) / 20;
      const x1 = ((i * 7) % 13) / 13;
      X.push([x0, x1]);
      y.push(x0 > 0.5 ? 1 : 0);
    }
    const fit = fitLogistic(X, y, 0.01);
    assert.ok(fit.weights[0]! > 10 && Math.abs(fit.weights[1]!) < 1, JSON.stringify(fit));
    const p = (x0: number) => predict(['evidence', 'margin'], fit, { ...Object.fromEntries(FEATURES.map((f) => [f, 0])), evidence: x0, margin: 0 } as never);
    assert.ok(p(0.9) > 0.9 && p(0.1) < 0.1);
    const rows = reliability([
      { confidence: 0.85, right: true },
      { confidence: 0.82, right: false },
      { confidence: 0.1, right: false },
    ]);
    const eight = rows.find((r) => r.from === 0.8)!;
    assert.equal(eight.count, 2);
    assert.equal(eight.shareRight, 0.5);
  });
});
