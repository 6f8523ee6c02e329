import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { x } from 'tar';
import { type FakeSsh, startSshServer } from './fakes/ssh.js';
import { medic, tempDir } from './helpers.js';

const SECRET = 'sk-proj-CANARY0123456789abcdefABCDEF0123456789';

interface Manifest {
  node: string;
  connected: boolean;
  error: string | null;
  durationMs: number;
  budgetMs: number;
  commands: Array<{ file: string; command: string; exitCode: number | null; bytes: number; missing: string | null }>;
}

describe('medic collect over SSH (ssh2 server)', () => {
  const dir = tempDir();
  let sshd: FakeSsh;
  let silent: Server;
  const sockets: Socket[] = [];
  let env: Record<string, string>;

  before(async () => {
    sshd = await startSshServer(dir);
    // Accepts connections and never says a word: a node whose sshd hangs.
    silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const silentPort = (silent.address() as AddressInfo).port;
    writeFileSync(
      join(dir, 'medic.yaml'),
      `collect: { budgetSeconds: 8, commandSeconds: 2 }
nodes:
  - name: lloom-exec-1
    system: lloom
    host: 127.0.0.1
    ssh: { user: medic, port: ${sshd.port}, key: "${sshd.clientKeyPath}", hostKey: "${sshd.hostKey}" }
  - name: lloom-mute
    system: lloom
    host: 127.0.0.1
    ssh: { user: medic, port: ${silentPort}, key: "${sshd.clientKeyPath}", hostKey: "${sshd.hostKey}" }
  - name: no-ssh
    system: lloom
    host: 127.0.0.1
`,
    );
    env = { MEDIC_CONFIG: join(dir, 'medic.yaml'), MEDIC_DATA_DIR: dir, REDIS_URL: 'off' };
    const built = await medic(['index'], { env });
    assert.equal(built.code, 0, built.stderr);
  });

  after(async () => {
    await sshd?.stop();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it('runs the system\'s collectors, keeps a bundle with its manifest, and analyzes it with redaction', async () => {
    const out = join(dir, 'lloom-exec-1.tar.gz');
    const r = await medic(['collect', 'lloom-exec-1', '--out', out, '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const { manifest, reply } = JSON.parse(r.stdout) as { manifest: Manifest; reply: { title: string; sections: Array<{ heading: string }> } };
    assert.deepEqual(
      manifest.commands.map((c) => c.command),
      ['systemctl status lloom-executor --no-pager', 'journalctl -u lloom-executor -n 2000 --no-pager', 'nvidia-smi -q', 'df -h', 'free -m', 'ss -tlnp'],
    );
    assert.deepEqual(sshd.commands.slice(-6), manifest.commands.map((c) => c.command), 'only the planned commands reached the node');
    const gpu = manifest.commands.find((c) => c.command === 'nvidia-smi -q')!;
    assert.match(gpu.missing ?? '', /timed out after 2000 ms/);
    assert.equal(manifest.commands.find((c) => c.command === 'df -h')!.exitCode, 0);
    assert.match(reply.sections[0]!.heading, /^Collected 5 of 6 from lloom-exec-1/);
    // The journal's error reached the analysis and matched the guide.
    assert.match(r.stdout, /Failed to dial bootstrap peer/);
    assert.ok(!r.stdout.includes(SECRET), 'the planted key is redacted from the report');
    // The bundle: manifest.json and the node's folder, as a real .tar.gz.
    const unpacked = join(dir, 'unpacked');
    mkdirSync(unpacked);
    await x({ file: out, cwd: unpacked });
    const kept = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as Manifest;
    assert.equal(kept.node, 'lloom-exec-1');
    assert.ok(existsSync(join(unpacked, 'lloom-exec-1', 'journal-lloom-executor.log')));
    assert.match(readFileSync(join(unpacked, 'lloom-exec-1', 'disk.txt'), 'utf8'), /97%/);
  });

  it('refuses a unit the node does not have, before anything runs', async () => {
    const before = sshd.commands.length;
    const r = await medic(['collect', 'lloom-exec-1', '--unit', 'sshd'], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown unit "sshd" on lloom-exec-1: it collects lloom-executor/);
    assert.equal(sshd.commands.length, before);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `nodes:\n  - { name: n, system: lloom, host: 127.0.0.1, collect: { units: ["lloom;reboot"] } }\n`);
    const cfg = await medic(['collect', 'n'], { env: { ...env, MEDIC_CONFIG: bad } });
    assert.equal(cfg.code, 2);
    assert.match(cfg.stderr, /nodes\.0\.collect\.units\.0: a systemd unit name/);
    const none = await medic(['collect', 'no-ssh'], { env });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no-ssh has no ssh: block/);
  });

  it('a node that does not answer gives a report of what could not be collected, within the budget', async () => {
    const r = await medic(['collect', 'lloom-mute', '--json'], { env });
    assert.equal(r.code, 1, r.stderr);
    const { manifest, reply } = JSON.parse(r.stdout) as { manifest: Manifest; reply: { sections: Array<{ heading: string }> } };
    assert.equal(manifest.connected, false);
    assert.match(manifest.error ?? '', /no SSH answer from 127\.0\.0\.1:\d+ within 2000 ms/);
    assert.ok(manifest.commands.every((c) => /^not collected: /.test(c.missing ?? '')));
    assert.ok(manifest.durationMs <= manifest.budgetMs, `${manifest.durationMs} ms`);
    assert.match(reply.sections[0]!.heading, /^Could not collect from lloom-mute/);
  });
});
