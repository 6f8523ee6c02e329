import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { medic, ROOT, tempDir } from './helpers.js';

/** Every verb, with the least it needs to get as far as reading medic.yaml. */
const VERBS: string[][] = [
  ['triage', 'x'],
  ['analyze', 'nothing.tar.gz'],
  ['digest'],
  ['escalate', '--file', 'nothing.log'],
  ['index'],
  ['cards'],
  ['check', '--all'],
  ['worker'],
  ['nodes'],
  ['notes', 'list'],
  ['console'],
  ['serve'],
  ['register-commands', '--application', '1'],
  ['fit', '--check', '--cases', 'test/fixtures/pastes/batch7.jsonl'],
  ['start'],
];

describe('the medic command line', () => {
  const dir = tempDir();
  const invalid = join(dir, 'invalid.yaml');
  writeFileSync(invalid, 'chat: { nosuchkey: 1 }\n');
  const valid = join(dir, 'valid.yaml');
  writeFileSync(valid, 'nodes:\n  - { name: from-the-flag, system: lloom, host: 10.9.8.7 }\n');
  const env = { REDIS_URL: 'off', MEDIC_DATA_DIR: tempDir() };

  it('every verb reads the medic.yaml that --config names', async () => {
    for (const args of VERBS) {
      const r = await medic([...args, '--config', invalid], { env });
      assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${invalid.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is invalid`), args[0]);
    }
  });

  it('--config wins over MEDIC_CONFIG, before or after the verb; a missing file is one line and exit 2', async () => {
    for (const args of [['nodes', '--config', valid], ['--config', valid, 'nodes']]) {
      const r = await medic(args, { env: { ...env, MEDIC_CONFIG: invalid } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^from-the-flag {2}lloom {2}10\.9\.8\.7/);
    }
    const missing = await medic(['nodes', '--config', join(dir, 'nope.yaml')], { env });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--config .*nope\.yaml: no such file/);
  });

  it('a reader that stops early ends the command quietly (medic cards | head)', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'medic.js'), 'cards', '--json'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|at /);
  });

  it('each verb\'s --help ends with an example, and an unknown option names the closest one', async () => {
    for (const [verb] of VERBS) {
      const r = await medic([verb!, '--help'], { env });
      assert.equal(r.code, 0, verb);
      assert.match(r.stdout, /\nExamples:\n {2}\$ (medic|npm|REDIS_URL|DISCORD_TOKEN|kubectl)/, verb);
    }
    const typo = await medic(['check', '--al'], { env });
    assert.notEqual(typo.code, 0);
    assert.match(typo.stderr, /unknown option '--al'\n\(Did you mean --all\?\)/);
  });
});
