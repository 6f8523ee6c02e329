import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { medic, ROOT, tempDir } from './helpers.js';

/** Runs `npm start` with no tokens and no Redis, as a new user would, and talks to it. */
function startConsole(dataDir: string) {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL: 'off', MEDIC_DATA_DIR: dataDir, DISCORD_TOKEN: '', SLACK_BOT_TOKEN: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const until = (re: RegExp, from = 0, timeoutMs = 30_000) =>
    new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}; stdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
      const check = () => {
        const i = out.slice(from).search(re);
        if (i >= 0) {
          clearTimeout(t);
          child.stdout.off('data', check);
          resolve(from + i);
        }
      };
      child.stdout.on('data', check);
      check();
    });
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, until, exit, out: () => out, err: () => err, send: (s: string) => child.stdin.write(s) };
}

describe('the console front door (npm start)', () => {
  it('answers a pasted error, takes "Not it" and a pick by number, and remembers it', async () => {
    const dataDir = tempDir();
    const c = startConsole(dataDir);
    await c.until(/Medic console/);
    assert.match(c.err(), /running embedded: records in .*records\.json, jobs run inline/);

    c.send('2025-08-14T09:12:02Z ERROR lloom_core::network: Failed to dial bootstrap peer: Transport error\n');
    c.send('2025-08-14T09:12:32Z WARN  lloom_core::network: No peers connected after 30 seconds\n\n');
    let at = await c.until(/Cannot connect to bootstrap peers \(lloom\)/);
    at = await c.until(/Actions: \[1\] Fixed it {2}\[2\] Not it {2}\[3\] Escalate/, at);

    c.send('2\n');
    at = await c.until(/Which section was it\?/, at);
    at = await c.until(/\[1\] Peers disconnect frequently/, at);

    c.send('1\n');
    at = await c.until(/Peers disconnect frequently \(lloom\)\n=+/, at);
    await c.until(/Recorded: for this error, "Peers disconnect frequently" is the right section/, at);

    c.child.stdin.end();
    assert.equal(await c.exit, 0);
    const records = JSON.parse(readFileSync(join(dataDir, 'records.json'), 'utf8'));
    const fb = Object.values(records.feedback)[0] as { picked: string[]; notIt: string[] };
    assert.deepEqual(fb.picked, ['lloom#problem-peers-disconnect-frequently']);
    assert.deepEqual(fb.notIt, ['lloom#problem-cannot-connect-to-bootstrap-peers']);

    // A new process reads the same records: the picked section now comes first.
    const again = startConsole(dataDir);
    await again.until(/Medic console/);
    again.send('2025-09-01T00:00:00Z ERROR lloom_core::network: Failed to dial bootstrap peer: Transport error\n2025-09-01T00:00:30Z WARN  lloom_core::network: No peers connected after 30 seconds\n\n');
    await again.until(/^Peers disconnect frequently \(lloom\)$/m);
    again.child.stdin.end();
    assert.equal(await again.exit, 0);

    // medic triage reads the same feedback, and says where from; --jsonl stays the guides alone.
    const paste = '2025-10-01T00:00:00Z ERROR lloom_core::network: Failed to dial bootstrap peer: Transport error\n2025-10-01T00:00:30Z WARN  lloom_core::network: No peers connected after 30 seconds';
    const cli = await medic(['triage', '--json'], { env: { REDIS_URL: 'off', MEDIC_DATA_DIR: dataDir }, input: paste });
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(JSON.parse(cli.stdout).matches[0].id, 'lloom#problem-peers-disconnect-frequently');
    assert.match(cli.stderr, /medic: feedback and team notes from .*records\.json \(REDIS_URL=off\)/);
    const batch = await medic(['triage', '--jsonl'], { env: { REDIS_URL: 'off', MEDIC_DATA_DIR: dataDir }, input: JSON.stringify({ id: 'a', paste }) + '\n' });
    assert.equal(JSON.parse(batch.stdout).matches[0].id, 'lloom#problem-cannot-connect-to-bootstrap-peers');
  });

  it('"None of these" makes the same error abstain, saying so, until someone picks a section', async () => {
    const c = startConsole(tempDir());
    await c.until(/Medic console/);
    const paste = '2025-08-14T09:12:02Z ERROR lloom_core::network: Failed to dial bootstrap peer: Transport error\n\n';
    c.send(paste);
    let at = await c.until(/Actions: \[1\] Fixed it {2}\[2\] Not it/);
    c.send('2\n');
    at = await c.until(/Which section was it\?/, at);
    at = await c.until(/\[\d+\] None of these/, at);
    const none = /\[(\d+)\] None of these/.exec(c.out().slice(at))![1]!;
    c.send(`${none}\n`);
    at = await c.until(/Recorded that no section of the guides fits this error/, at);
    // The same error, another day: Medic stays out of it and says why.
    c.send(paste.replace('2025-08-14T09:12:02Z', '2025-08-20T17:40:11Z'));
    at = await c.until(/No guide section matches this paste/, at);
    at = await c.until(/Actions: \[1\] Pick a section {2}\[2\] Escalate/, at);
    at = await c.until(/someone marked this error as one that no guide section fixes/, at);
    c.send('1\n');
    at = await c.until(/\[1\] Peers disconnect frequently/, at);
    c.send('1\n');
    at = await c.until(/Recorded: for this error, "Peers disconnect frequently" is the right section/, at);
    // A pick lifts "none fits": the error is answered again.
    c.send(paste);
    await c.until(/^Peers disconnect frequently \(lloom\)$/m, at);
    c.child.stdin.end();
    assert.equal(await c.exit, 0);
  });

  it('says honestly when no guide matches, and offers escalation', async () => {
    const c = startConsole(tempDir());
    await c.until(/Medic console/);
    c.send('fatal: not a git repository (or any of the parent directories): .git\n\n');
    const at = await c.until(/No guide section matches this paste/);
    await c.until(/Actions: \[1\] Escalate/, at);
    c.child.stdin.end();
    assert.equal(await c.exit, 0);
  });
});
