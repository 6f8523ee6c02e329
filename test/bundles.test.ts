import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { before, describe, it } from 'node:test';
import { CANARIES, EXPECTED, makeBundles, NOISE, type System } from './fixtures/bundles.js';
import { makeHostile } from './fixtures/hostile.js';
import { medic, tempDir } from './helpers.js';

const env = { MEDIC_DATA_DIR: tempDir() };

interface Finding {
  severity: 'fail' | 'warn' | 'info';
  source: string;
  analyzer: string | null;
  title: string;
  count: number;
  evidence: Array<{ file: string; line: number; text: string }>;
  fix: { cardId: string; citation: { file: string; lines: { start: number; end: number } } } | null;
  checks: Array<{ name: string; kind: string }>;
}

interface Report {
  bundle: string;
  systems: Array<{ system: string; files: number }>;
  inventory: { counts: Record<string, number>; files: Array<{ name: string; kind: string; snapshots: string[] }> };
  logs: { lines: number; errors: number; warnings: number; templates: number };
  findings: Finding[];
  passed: unknown[];
  redactions: Array<{ file: string; hidden: Record<string, number> }>;
}

function assertNoCanary(text: string, where: string): void {
  for (const c of CANARIES) assert.ok(!text.includes(c), `${where} leaks the canary ${c}`);
}

describe('medic analyze', () => {
  let bundles: Record<System, string>;
  const dir = tempDir();

  before(async () => {
    bundles = await makeBundles(dir);
    const r = await medic(['triage', 'warm the index'], { env });
    assert.equal(r.code, 0, r.stderr);
  });

  for (const system of Object.keys(EXPECTED) as System[]) {
    it(`finds what was planted in the ${system} bundle, ranked, with evidence and fixes, and leaks no secret`, async () => {
      const reportFile = join(dir, `${system}.md`);
      const r = await medic(['analyze', '--json', '--report', reportFile, bundles[system]], { env });
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as Report;
      assert.equal(report.systems[0]?.system, system, `systems: ${JSON.stringify(report.systems)}`);
      const cards = report.findings.filter((f) => f.fix).map((f) => f.fix!.cardId);
      for (const id of EXPECTED[system].cards) assert.ok(cards.includes(id), `${id} not among ${cards.join(', ')}`);
      const analyzers = new Set(report.findings.filter((f) => f.severity !== 'info').map((f) => f.analyzer));
      for (const a of EXPECTED[system].analyzers) assert.ok(analyzers.has(a), `analyzer ${a} found nothing; got ${[...analyzers].join(', ')}`);
      // Ranked by severity, then count.
      const rank = { fail: 3, warn: 2, info: 1 };
      for (let i = 1; i < report.findings.length; i++) {
        const [a, b] = [report.findings[i - 1]!, report.findings[i]!];
        assert.ok(rank[a.severity] > rank[b.severity] || (rank[a.severity] === rank[b.severity] && a.count >= b.count), `${a.title} before ${b.title}`);
      }
      // One fact, one finding: no evidence line stands under two (two analyzers reading one broken file are one finding).
      const lines = report.findings.flatMap((f) => f.evidence.map((e) => `${e.file}:${e.line}`));
      assert.equal(new Set(lines).size, lines.length, `a line under two findings: ${lines.join(' ')}`);
      for (const f of report.findings) {
        if (f.severity !== 'info') assert.ok(f.evidence.length > 0, `${f.title} has no evidence`);
        for (const e of f.evidence) assert.match(`${e.file}:${e.line}`, /^[^:]+:\d+$/);
        // Noise never becomes a failure.
        if (f.severity === 'fail') for (const n of NOISE) assert.ok(!f.evidence.some((e) => e.text.includes(n)), `noise "${n}" became a failure in ${f.title}`);
      }
      assertNoCanary(r.stdout, 'the JSON report');
      const md = readFileSync(reportFile, 'utf8');
      assertNoCanary(md, 'the Markdown report');
      assert.match(md, /^# Bundle report: /);
      assert.match(md, /## Findings/);
      assert.match(md, /## Redaction/);
      const text = await medic(['analyze', bundles[system]], { env });
      assert.equal(text.code, 0, text.stderr);
      assertNoCanary(text.stdout + text.stderr, 'the text report');
      assert.match(text.stdout, /^Bundle \S+: \d+ failures?/);
    });
  }

  it('reads rotated .gz logs inside a bundle, and reports what it redacted per file', async () => {
    const r = await medic(['analyze', '--json', bundles.hybridgrid], { env });
    const report = JSON.parse(r.stdout) as Report;
    const names = report.inventory.files.map((f) => f.name);
    assert.ok(names.includes('journal/hg-coordinator.log.1'), names.join(', '));
    assert.ok(!names.some((n) => n.endsWith('.gz')));
    const key = report.redactions.find((x) => x.file === 'certs/worker-3.key');
    assert.equal(key?.hidden['private-key'], 1);
    const yaml = report.redactions.find((x) => x.file === 'hybridgrid.yaml');
    assert.ok((yaml?.hidden.password ?? 0) >= 1, JSON.stringify(report.redactions));
    const expired = report.findings.find((f) => f.analyzer === 'certs');
    assert.equal(expired?.severity, 'fail');
  });

  it('sorts files into logs, configs, snapshots and certificates', async () => {
    const r = await medic(['analyze', '--json', bundles.lloom], { env });
    const report = JSON.parse(r.stdout) as Report;
    const kind = (n: string) => report.inventory.files.find((f) => f.name === n);
    assert.equal(kind('logs/lloom-executor.log')?.kind, 'log');
    assert.equal(kind('config/config.toml')?.kind, 'config');
    assert.deepEqual(kind('system/df.txt')?.snapshots, ['df']);
    assert.deepEqual(kind('system/nvidia-smi.txt')?.snapshots, ['nvidia-smi']);
    assert.deepEqual(kind('system/uname.txt')?.snapshots, ['uname']);
    // A stack trace is one event: the traceback's last line is what it says.
    const sc = JSON.parse((await medic(['analyze', '--json', bundles.starcoder], { env })).stdout) as Report;
    const oom = sc.findings.find((f) => f.evidence.some((e) => /OutOfMemoryError/.test(e.text)));
    assert.ok(oom, 'the CUDA OOM traceback was not grouped into a finding');
  });

  it('reads a folder, a single log and a single .gz log', async () => {
    const folder = await medic(['analyze', '--json', join(dir, 'src', 'lloom')], { env });
    assert.equal(folder.code, 0, folder.stderr);
    assert.ok((JSON.parse(folder.stdout) as Report).findings.some((f) => f.fix?.cardId === 'lloom#problem-lmstudio-connection-failed'));
    const logPath = join(dir, 'src', 'llmspell', 'debug.log');
    const log = await medic(['analyze', '--json', logPath], { env });
    assert.equal(log.code, 0, log.stderr);
    assert.ok((JSON.parse(log.stdout) as Report).findings.some((f) => f.fix?.cardId === 'llmspell#rate-limit-exceeded'));
    const gz = join(dir, 'debug.log.gz');
    writeFileSync(gz, gzipSync(readFileSync(logPath)));
    const single = await medic(['analyze', '--json', gz], { env });
    assert.equal(single.code, 0, single.stderr);
    const report = JSON.parse(single.stdout) as Report;
    assert.deepEqual(report.inventory.files.map((f) => f.name), ['debug.log']);
    assert.equal(report.logs.errors, (JSON.parse(log.stdout) as Report).logs.errors);
  });

  it('takes its limits from medic.yaml', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'medic.yaml'), 'bundles: { maxFiles: 3 }\n');
    const r = await medic(['analyze', bundles.lloom], { env: { ...env, MEDIC_KNOWLEDGE_DIR: join(process.cwd(), 'knowledge') }, cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /more than 3 files \(limit bundles\.maxFiles\)/);
    writeFileSync(join(cwd, 'medic.yaml'), 'bundles: { maxFiles: -1 }\n');
    const bad = await medic(['analyze', bundles.lloom], { env: { ...env, MEDIC_KNOWLEDGE_DIR: join(process.cwd(), 'knowledge') }, cwd });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bundles\.maxFiles/);
  });

  it('refuses every hostile bundle with one line and exit 2, writing nothing outside its temp folder', async () => {
    const hostileDir = join(dir, 'hostile');
    mkdirSync(hostileDir);
    const scratch = join(dir, 'tmp');
    mkdirSync(scratch);
    const escapeTarget = join(dir, 'escaped', 'pwned.txt');
    const cases = await makeHostile(hostileDir, escapeTarget);
    assert.ok(cases.length >= 15);
    for (const c of cases) {
      const r = await medic(['analyze', c.path], { env: { ...env, TMPDIR: scratch } });
      assert.equal(r.code, 2, `${c.name}: exit ${r.code}\n${r.stdout}${r.stderr}`);
      const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('medic: ') && !/index/.test(l));
      assert.equal(lines.length, 1, `${c.name}: ${r.stderr}`);
      assert.match(lines[0]!, c.expect, c.name);
      assert.equal(r.stdout, '', c.name);
      assert.deepEqual(readdirSync(scratch), [], `${c.name} left files in the temp folder`);
    }
    assert.ok(!existsSync(escapeTarget), 'something was written outside the temp folder');
    assert.ok(!existsSync(join(dir, 'outside.log')));
  });

  it('a missing path is a clear error', async () => {
    const r = await medic(['analyze', join(dir, 'nope.tar.gz')], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nope\.tar\.gz: no such file or folder/);
  });
});
