import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { QueryVectors } from '../src/knowledge/embedders/query-vectors.js';
import { UseLiteEmbedder } from '../src/knowledge/embedders/use-lite.js';

describe("the bot's query vectors (the sentence model in a worker thread)", () => {
  const open: QueryVectors[] = [];
  const make = async (waitMs: number) => {
    const q = new QueryVectors({ kind: 'use-lite' }, waitMs);
    open.push(q);
    await q.load();
    return q;
  };

  after(async () => {
    for (const q of open) await q.close();
  });

  it('gives the vector the embedder gives in line, and keeps it for the same text', async () => {
    const q = await make(10_000);
    const text = 'Address already in use os error 98';
    const v = await q.vector(text);
    assert.ok(v);
    const inline = await new UseLiteEmbedder().embedQuery(text);
    assert.equal(v.length, inline.length);
    assert.ok(v.every((x, i) => Math.abs(x - inline[i]!) < 1e-4), 'the same model in the thread');
    assert.equal(await q.vector(text), v, 'asked again, the kept vector');
  });

  it('a busy thread answers null for texts whose turn came too late, and the same text at once is embedded once', async () => {
    const q = await make(0);
    const texts = Array.from({ length: 6 }, (_, i) => `Failed to dial bootstrap peer number ${'x'.repeat(i + 1)} connection refused while connecting`);
    const got = await Promise.all([...texts, texts[0]!].map((t) => q.vector(t)));
    assert.ok(got.some((v) => v === null), 'with no wait allowed, some were answered without the model');
    assert.equal(got[0], got[6], 'one embedding for the same text asked twice at once');
    assert.ok(q.skipped >= 1);
  });
});
