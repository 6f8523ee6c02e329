import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { medic, ROOT, tempDir } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

/** An error no guide section fixes: before the note, Medic abstains on it. */
const ERROR = 'lloom-executor[812]: 2026-12-07T09:14:02Z ERROR shard_cache: checksum mismatch on shard 41 of llama-13b (expected 9f3a, got 77c1)';
const AGAIN = 'lloom-executor[1207]: 2026-12-09T17:40:55Z ERROR shard_cache: checksum mismatch on shard 7 of mistral-7b (expected 01bb, got e4d0)';
const FIX = 'Drop the corrupt shard and fetch it again:\n\n```bash\nlloom-cli shards verify --repair\n```\n\nThe mirror token was AKIAABCDEFGHIJKLMNOP.';

function envFor(extra: Record<string, string>): Record<string, string> {
  return { MEDIC_KNOWLEDGE_DIR: join(ROOT, 'knowledge'), MEDIC_DATA_DIR: tempDir(), ...extra };
}

/** Saves the note, then the same error from another node and day is answered from it. */
async function saveAndAnswer(env: Record<string, string>): Promise<string> {
  const before = JSON.parse((await medic(['triage', '--json', '--no-llm', AGAIN], { env })).stdout);
  assert.notEqual(before.matches[0]?.guide, 'team');

  const saved = await medic(['notes', 'add', '--json', '--title', 'Shard checksum mismatch', '--fix', FIX, '--system', 'lloom', '--link', 'https://discord.com/channels/1/2/3', '--by', 'ana'], { env, input: ERROR });
  assert.equal(saved.code, 0, saved.stderr);
  const note = JSON.parse(saved.stdout) as { id: string; fix: string; errorLines: string[] };
  // Redacted before it is stored: the planted key never reaches the store.
  assert.doesNotMatch(note.fix, /AKIAABCDEFGHIJKLMNOP/);
  assert.match(note.fix, /lloom-cli shards verify --repair/);

  const r = await medic(['triage', '--json', '--no-llm', AGAIN], { env });
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.abstain, false);
  assert.equal(o.matches[0].id, `team#${note.id}`);
  assert.deepEqual(o.reply.citations.map((c: { file: string }) => c.file), ['Team note, saved from https://discord.com/channels/1/2/3 by ana']);
  assert.match(JSON.stringify(o.reply), /lloom-cli shards verify --repair/);
  return note.id;
}

describe('team notes', () => {
  let redis: TestRedis;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis.stop();
  });

  it('in Redis: a saved note answers the same error from another node, redacted, and deleting it stops that', async () => {
    const env = envFor({ REDIS_URL: redis.url, MEDIC_REDIS_PREFIX: `${redis.prefix}notes:` });
    const id = await saveAndAnswer(env);
    const list = await medic(['notes', 'list'], { env });
    assert.match(list.stdout, new RegExp(`^${id} {2}Shard checksum mismatch {2}lloom {2}saved by ana`, 'm'));
    const gone = await medic(['notes', 'delete', id], { env });
    assert.equal(gone.code, 0, gone.stderr);
    const after = JSON.parse((await medic(['triage', '--json', '--no-llm', AGAIN], { env })).stdout);
    assert.notEqual(after.matches[0]?.guide, 'team');
    const again = await medic(['notes', 'delete', id], { env });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /no team note/);
  });

  it('embedded: export writes Markdown that a runbook folder reads back as the same card', async () => {
    const env = envFor({ REDIS_URL: 'off' });
    const id = await saveAndAnswer(env);
    const dir = tempDir();
    const out = await medic(['notes', 'export', join(dir, 'runbooks', 'team')], { env });
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(readdirSync(join(dir, 'runbooks', 'team')), [`${id}.md`]);
    const md = readFileSync(join(dir, 'runbooks', 'team', `${id}.md`), 'utf8');
    assert.match(md, /^#### Problem: Shard checksum mismatch$/m);
    assert.doesNotMatch(md, /AKIAABCDEFGHIJKLMNOP/);

    // A fresh setup with no notes, and the exported file in a runbook folder tied to lloom.
    writeFileSync(join(dir, 'medic.yaml'), 'knowledge:\n  - { path: ./runbooks/team, system: lloom }\n');
    const moved = envFor({ REDIS_URL: 'off', MEDIC_CONFIG: join(dir, 'medic.yaml') });
    const r = JSON.parse((await medic(['triage', '--json', '--no-llm', AGAIN], { env: moved })).stdout);
    assert.equal(r.abstain, false);
    assert.equal(r.matches[0].id, `lloom#${id}/problem-shard-checksum-mismatch`);
    assert.equal(r.reply.citations[0].file, `./runbooks/team/${id}.md`);
  });
});
