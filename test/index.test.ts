import assert from 'node:assert/strict';
import { appendFileSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TransformersEmbedder } from '../src/knowledge/embedders/transformers.js';
import { buildTinyModel } from './fixtures/tiny-model.js';
import { copyKnowledge, FIXTURES, medic, tempDir } from './helpers.js';

interface IndexJson {
  rebuilt: string[];
  reused: string[];
  removed: string[];
  cards: number;
  embedded: number;
  manifest: { embedder: { id: string; dimensions: number }; guides: Record<string, { hash: string; cards: number }> };
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    dot += x * b[i]!;
    na += x * x;
    nb += b[i]! * b[i]!;
  });
  return dot / Math.sqrt(na * nb);
}

describe('medic index', () => {
  const knowledge = copyKnowledge();
  const env = { MEDIC_KNOWLEDGE_DIR: knowledge, MEDIC_DATA_DIR: tempDir() };

  it('builds everything, then rebuilds only the guide that changed', async () => {
    const first = await medic(['index', '--json'], { env });
    assert.equal(first.code, 0, first.stderr);
    const a = JSON.parse(first.stdout) as IndexJson;
    assert.deepEqual(a.rebuilt.sort(), ['hourglass', 'hybridgrid', 'llmspell', 'lloom', 'starcoder']);
    assert.equal(a.manifest.embedder.dimensions, 512);
    assert.match(a.manifest.embedder.id, /^use-lite/);

    const same = JSON.parse((await medic(['index', '--json'], { env })).stdout) as IndexJson;
    assert.deepEqual(same.rebuilt, []);

    appendFileSync(join(knowledge, 'hybridgrid.md'), '\n### Queue Overflow\n\n**Symptoms:** `task queue full, dropping task`\n\n**Solutions:**\n\n1. **Raise the queue size**\n   ```yaml\n   coordinator:\n     queue_size: 5000\n   ```\n');
    const b = JSON.parse((await medic(['index', '--json'], { env })).stdout) as IndexJson;
    assert.deepEqual(b.rebuilt, ['hybridgrid']);
    assert.deepEqual(b.reused.sort(), ['hourglass', 'llmspell', 'lloom', 'starcoder']);
    assert.equal(a.embedded, a.cards);
    // Only the new section is embedded: the guide's other sections keep their vectors.
    assert.equal(b.embedded, 1);
    assert.equal(b.manifest.guides.hybridgrid!.cards, a.manifest.guides.hybridgrid!.cards + 1);
    assert.notEqual(b.manifest.guides.hybridgrid!.hash, a.manifest.guides.hybridgrid!.hash);

    const t = await medic(['triage', '--json', 'coordinator says: task queue full, dropping task'], { env });
    assert.equal(JSON.parse(t.stdout).matches[0].id, 'hybridgrid#queue-overflow');

    const forced = JSON.parse((await medic(['index', '--json', '--force'], { env })).stdout) as IndexJson;
    assert.equal(forced.rebuilt.length, 5);
  });

  it('triage refreshes a stale index by itself and says why on stderr', async () => {
    cpSync(join(FIXTURES, 'guides', 'gridcache.md'), join(knowledge, 'gridcache.md'));
    const r = await medic(['triage', '--json', 'gridcache: E1001 shard unreachable (dial timeout)'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /building the index \(new guide gridcache\.md\)/);
    const o = JSON.parse(r.stdout);
    assert.equal(o.matches[0].id, 'gridcache#e1001--cache-shard-unreachable');
    assert.equal(o.abstain, false);
    const again = await medic(['triage', '--json', 'gridcache: E1001 shard unreachable (dial timeout)'], { env });
    assert.doesNotMatch(again.stderr, /building/);
  });

  it('the manifest notices an embedder change and rebuilds with the transformers.js model', async () => {
    const models = tempDir();
    const words = 'error failed connection refused timeout memory out of peer kernel pod cache worker'.split(' ');
    buildTinyModel(models, 'tiny-bert', words);
    const tenv = { ...env, MEDIC_EMBEDDER: 'transformers', MEDIC_MODEL: 'tiny-bert', MEDIC_MODEL_DIR: models };
    const r = await medic(['triage', '--json', 'Error: Address already in use'], { env: tenv });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /embedder changed \(use-lite[^)]*-> transformers:tiny-bert:q\)/);
    const manifest = JSON.parse(readFileSync(join(env.MEDIC_DATA_DIR, 'index', 'manifest.json'), 'utf8'));
    assert.equal(manifest.embedder.id, 'transformers:tiny-bert:q');
    assert.equal(manifest.embedder.dimensions, 8);
    assert.equal(JSON.parse(r.stdout).matches[0].id, 'llmspell#kernel-wont-start');
  });

  it('a missing transformers model is a clear error, not a download', async () => {
    const r = await medic(['index'], { env: { ...env, MEDIC_EMBEDDER: 'transformers', MEDIC_MODEL: 'no-such-model', MEDIC_MODEL_DIR: tempDir() } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot load transformers model "no-such-model".*remote models are off/);
    const cfg = await medic(['index'], { env: { ...env, MEDIC_EMBEDDER: 'transformers' } });
    assert.equal(cfg.code, 2);
    assert.match(cfg.stderr, /needs MEDIC_MODEL/);
  });
});

describe('the transformers.js embedder on a tiny built model', () => {
  it('loads tokenizer and ONNX graph from a folder and embeds related text closer', async () => {
    const models = tempDir();
    buildTinyModel(models, 'tiny', ['connection', 'refused', 'out', 'of', 'memory', 'error']);
    const e = new TransformersEmbedder({ model: 'tiny', modelDir: models, allowRemote: false, quantized: false });
    const [a, b, c] = await e.embedDocuments(['connection refused', 'connection refused error', 'out of memory']);
    assert.equal(a!.length, 8);
    assert.ok(Math.abs(cosine(a!, a!) - 1) < 1e-6);
    assert.ok(cosine(a!, b!) > cosine(a!, c!), 'sentences sharing words are closer');
    assert.deepEqual(await e.embedQuery('connection refused'), a);
  });
});
