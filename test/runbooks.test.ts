import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, medic, ROOT, tempDir } from './helpers.js';

const PASTE = 'lloom-executor[812]: write /var/lib/lloom/shards/llama-13b.bin: No space left on device (os error 28)';

/** A team's folder: medic.yaml with `knowledge:` folders, and the runbooks under it. */
function team(yaml: string): { dir: string; env: Record<string, string> } {
  const dir = tempDir();
  cpSync(join(FIXTURES, 'runbooks'), join(dir, 'runbooks'), { recursive: true });
  writeFileSync(join(dir, 'medic.yaml'), yaml);
  return { dir, env: { MEDIC_KNOWLEDGE_DIR: join(ROOT, 'knowledge'), MEDIC_DATA_DIR: join(dir, 'data'), REDIS_URL: 'off', MEDIC_CONFIG: join(dir, 'medic.yaml') } };
}

describe('runbook folders (knowledge: in medic.yaml)', () => {
  it('indexes a folder tied to a system, answers from it and cites the runbook file', async () => {
    const t = team('knowledge:\n  - { path: ./runbooks/lloom, system: lloom }\n');
    const cards = await medic(['cards', '--guide', 'lloom'], { env: t.env });
    assert.equal(cards.code, 0, cards.stderr);
    assert.match(cards.stdout, /^lloom#storage\/disk-full\/executor-disk-full {2}\[problem\] \.\/runbooks\/lloom\/storage\/disk-full\.md:1-20/m);
    // A section with no Problem or Symptoms structure is still a card that can be cited.
    assert.match(cards.stdout, /^lloom#storage\/disk-full\/rotating-the-api-token {2}\[procedure\] \.\/runbooks\/lloom\/storage\/disk-full\.md/m);
    // One written like a guide is read as one.
    assert.match(cards.stdout, /^lloom#peers\/problem-bootstrap-peers-unreachable-behind-the-office-proxy {2}\[problem\] \.\/runbooks\/lloom\/peers\.md:3-/m);

    const r = await medic(['triage', '--json', '--no-llm', PASTE], { env: t.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /index ready: 183 cards from 5 guides and 2 runbooks/);
    const o = JSON.parse(r.stdout);
    assert.equal(o.abstain, false);
    assert.equal(o.system, 'lloom');
    assert.equal(o.matches[0].id, 'lloom#storage/disk-full/executor-disk-full');
    assert.deepEqual(o.reply.citations.map((c: { file: string }) => c.file), ['./runbooks/lloom/storage/disk-full.md']);
    assert.match(o.reply.summary, /in the lloom runbook \.\/runbooks\/lloom\/storage\/disk-full\.md/);

    // A changed runbook is indexed again by itself, and only its changed section is embedded.
    appendFileSync(join(t.dir, 'runbooks', 'lloom', 'storage', 'disk-full.md'), '\n# Shard checksum mismatch\n\nJobs fail with `shard checksum mismatch`.\n\n## Fix\n\n```bash\nlloom-cli shards verify --repair\n```\n');
    const again = await medic(['index', '--json'], { env: t.env });
    assert.equal(again.code, 0, again.stderr);
    const built = JSON.parse(again.stdout) as { rebuilt: string[]; reused: string[]; embedded: number };
    assert.deepEqual(built.rebuilt, ['./runbooks/lloom/storage/disk-full.md']);
    assert.equal(built.reused.length, 6);
    assert.equal(built.embedded, 1);
  });

  it('a folder tied to no system is a system of its own; a missing folder is a config error', async () => {
    const t = team('knowledge:\n  - { path: ./runbooks/lloom/storage }\n');
    const r = await medic(['cards', '--guide', 'storage'], { env: t.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^storage#disk-full\/executor-disk-full /m);

    const bad = team('knowledge:\n  - { path: ./runbooks/nowhere, system: lloom }\n');
    mkdirSync(join(bad.dir, 'data'));
    const e = await medic(['cards'], { env: bad.env });
    assert.equal(e.code, 2);
    assert.match(e.stderr, /knowledge\[0\]\.path: the folder .*runbooks\/nowhere does not exist \(paths are relative to .*medic\.yaml\)/);
  });
});
