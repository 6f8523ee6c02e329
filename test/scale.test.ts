import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildTinyModel } from './fixtures/tiny-model.js';
import { scaledCorpus } from './fixtures/scaled-corpus.js';
import { FIXTURES, medic, ROOT, tempDir } from './helpers.js';

interface JsonlOut {
  id: string;
  abstain?: boolean;
  matches?: Array<{ id: string; score: number }>;
}

/** The guides' most used words: a tiny model that reads them gives the dense model's tie-break something to work on. */
function guideWords(limit: number): string[] {
  const counts = new Map<string, number>();
  for (const f of readdirSync(join(ROOT, 'knowledge'))) {
    for (const w of readFileSync(join(ROOT, 'knowledge', f), 'utf8').toLowerCase().match(/[a-z]{3,}/g) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([w]) => w);
}

describe('knowledge at scale', () => {
  it('ranks the guides copied ten times under other systems as a ranking ten times deeper does', async () => {
    const dir = tempDir();
    const knowledge = join(dir, 'knowledge');
    assert.equal(scaledCorpus(join(ROOT, 'knowledge'), knowledge, 10), 50);
    const models = join(dir, 'models');
    buildTinyModel(models, 'tiny', guideWords(400));
    const env = { MEDIC_KNOWLEDGE_DIR: knowledge, MEDIC_DATA_DIR: join(dir, 'data'), MEDIC_EMBEDDER: 'transformers', MEDIC_MODEL: 'tiny', MEDIC_MODEL_DIR: models };
    const pastes = readFileSync(join(FIXTURES, 'pastes', 'holdout.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .slice(0, 60)
      .map((l) => {
        const { id, paste } = JSON.parse(l) as { id: string; paste: string };
        return JSON.stringify({ id, paste });
      })
      .join('\n');
    const ranked = async (top: number): Promise<JsonlOut[]> => {
      const r = await medic(['triage', '--jsonl', '--top', String(top)], { env, input: pastes + '\n' });
      assert.equal(r.code, 0, r.stderr);
      return r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as JsonlOut);
    };
    const pruned = await ranked(20);
    // Ten copies of a section tie: twenty deep reaches past the first section's copies.
    // Fifty deep scores far more cards: pruning must not have changed the first twenty.
    const full = await ranked(50);
    assert.equal(pruned.length, 60);
    let answered = 0;
    pruned.forEach((p, k) => {
      const f = full[k]!;
      assert.equal(p.abstain, f.abstain, p.id);
      assert.deepEqual(p.matches, f.matches?.slice(0, 20), p.id);
      if (!p.abstain) answered++;
    });
    assert.ok(answered >= 30, `answered ${answered} of 60`);
  });
});
