import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FakeSsh, startSshServer } from './fakes/ssh.js';
import { medic, tempDir } from './helpers.js';

interface Result {
  check: string;
  status: string;
  message: string;
  conditions: Array<{ condition: string; ok: boolean; actual: string }>;
}

describe('ssh checks against a real SSH server', () => {
  const dir = tempDir();
  let sshd: FakeSsh;

  before(async () => {
    sshd = await startSshServer(dir);
    const node = (name: string, hostKey: string) => `
  - name: ${name}
    system: lloom
    host: 127.0.0.1
    ssh: { user: medic, port: ${sshd.port}, key: "${sshd.clientKeyPath}", hostKey: "${hostKey}" }
    checks:
      - { name: disk, kind: ssh, command: disk, conditions: ["[DISK_USED_PERCENT] < 90"] }
      - { name: memory, kind: ssh, command: memory, conditions: ["[MEMORY_AVAILABLE_PERCENT] > 10"] }
      - { name: gpu, kind: ssh, command: gpu, conditions: ["[GPU_PRESENT] == true"], severity: warn }
      - { name: executor, kind: ssh, command: service, unit: lloom-executor, conditions: ["[UNIT_ACTIVE] == true"] }
      - { name: journal, kind: ssh, command: journal, unit: lloom-executor, lines: 50, conditions: ["[JOURNAL_ERRORS] == 0"] }
      - { name: containers, kind: ssh, command: containers, conditions: ["[CONTAINERS] contains starcoder", "[CONTAINERS_UNHEALTHY] == 0"] }`;
    writeFileSync(join(dir, 'medic.yaml'), `nodes:${node('n1', sshd.hostKey)}${node('impostor', 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')}\n`);
  });

  after(async () => {
    await sshd?.stop();
  });

  const run = (args: string[]) => medic(['check', ...args], { env: { MEDIC_CONFIG: join(dir, 'medic.yaml'), MEDIC_DATA_DIR: dir, REDIS_URL: 'off' } });

  it('runs only the read-only templates and turns their output into facts', async () => {
    const r = await run(['n1', '--json']);
    assert.equal(r.code, 1);
    const by = Object.fromEntries((JSON.parse(r.stdout) as Result[]).map((x) => [x.check, x]));
    assert.equal(by.disk!.status, 'fail');
    assert.match(by.disk!.message, /\[DISK_USED_PERCENT\] < 90 \(got 93\)/);
    assert.equal(by.memory!.status, 'pass');
    assert.equal(by.gpu!.status, 'warn', 'nvidia-smi is refused on this host: no GPU');
    assert.equal(by.executor!.status, 'pass');
    assert.equal(by.journal!.status, 'fail');
    assert.match(by.journal!.message, /\[JOURNAL_ERRORS\] == 0 \(got 1\)/);
    assert.equal(by.containers!.status, 'fail');
    assert.match(by.containers!.message, /CONTAINERS_UNHEALTHY\] == 0 \(got 1\)/);
    assert.deepEqual([...sshd.commands].sort(), [
      'df -P',
      "docker ps --format '{{.Names}}\\t{{.Status}}'",
      'free -b',
      'journalctl -u lloom-executor -n 50 --no-pager',
      'nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv,noheader',
      'systemctl is-active lloom-executor',
    ]);
  });

  it('refuses a host whose key does not match the pinned fingerprint', async () => {
    const before = sshd.commands.length;
    const r = await run(['impostor', '--check', 'disk', '--json']);
    const [res] = JSON.parse(r.stdout) as Result[];
    assert.equal(res!.status, 'fail');
    assert.match(res!.message, /host key SHA256:\S+ does not match the pinned SHA256:AAAA/);
    assert.equal(sshd.commands.length, before, 'nothing ran on the impostor');
  });

  it('rejects a unit name that is not a plain unit in medic.yaml', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `nodes:\n  - name: x\n    system: lloom\n    host: 127.0.0.1\n    checks:\n      - { name: s, kind: ssh, command: service, unit: "lloom; rm -rf /" }\n`);
    const r = await medic(['check', 'x'], { env: { MEDIC_CONFIG: bad, REDIS_URL: 'off' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nodes\.0\.checks\.0\.unit: a systemd unit name/);
  });
});
