import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { medic, ROOT, tempDir } from './helpers.js';

const env = { MEDIC_DATA_DIR: tempDir() };
const run = (args: string[], input?: string | Buffer) => medic(args, { env, ...(input !== undefined ? { input } : {}) });

interface JsonlOut {
  id: string | null;
  abstain?: boolean;
  matches?: Array<{ id: string; guide: string; title: string; path: string[]; score: number }>;
  fingerprint?: string;
  system?: string | null;
  error?: string;
}

async function batch(cases: Array<{ id: string; paste: string } | string>): Promise<Map<string, JsonlOut>> {
  const input = cases.map((c) => (typeof c === 'string' ? c : JSON.stringify(c))).join('\n') + '\n';
  const r = await run(['triage', '--jsonl'], input);
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as JsonlOut);
  return new Map(out.map((o, i) => [o.id ?? `#${i}`, o]));
}

describe('medic triage', () => {
  before(async () => {
    // Builds the index once for this file, and says so on stderr.
    const r = await run(['triage', 'Error: Address already in use']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /building the index \(no index yet\)/);
  });

  it('--json prints the documented object, naming the right card with its citation', async () => {
    const r = await run(['triage', '--json', '--top', '2', 'Error: Address already in use (os error 98)']);
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(o).sort(), ['abstain', 'confidence', 'fingerprint', 'llm', 'matches', 'reply', 'system', 'truncated']);
    assert.equal(o.abstain, false);
    assert.equal(o.system, 'llmspell');
    assert.match(o.fingerprint, /^fp_[0-9a-f]{16}$/);
    assert.equal(o.matches.length, 2);
    assert.deepEqual(Object.keys(o.matches[0]).sort(), ['guide', 'id', 'path', 'score', 'title']);
    assert.equal(o.matches[0].id, 'llmspell#kernel-wont-start');
    assert.equal(o.reply.citations[0].file, 'knowledge/llmspell.md');
    assert.deepEqual(o.reply.citations[0].lines, { start: 155, end: 178 });
    assert.ok(o.reply.actions.some((a: { id: string }) => a.id === 'not-it'));
    const fix = o.reply.sections.find((s: { heading: string }) => s.heading === 'Fix');
    assert.ok(JSON.stringify(fix).includes('llmspell kernel stop --all'), 'solution code blocks are verbatim');
  });

  it('reads the paste from --file and from standard input, with the readable rendering by default', async () => {
    const f = join(tempDir(), 'paste.log');
    writeFileSync(f, 'kubectl describe pod x\n  Warning  BackOff  Back-off restarting failed container\n  Reason: CrashLoopBackOff\n');
    const fromFile = await run(['triage', '--file', f]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.match(fromFile.stdout, /^CrashLoopBackOff \(hourglass\)/);
    assert.match(fromFile.stdout, /Sources:\n {2}- knowledge\/hourglass\.md > /);
    const fromStdin = await run(['triage'], 'ERROR lloom_executor: Model \'llama-3-8b\' not found in backend\n');
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    assert.match(fromStdin.stdout, /^Model not found \(lloom\)/);
  });

  it('--jsonl follows the score.mjs contract and survives a bad line', async () => {
    const out = await batch([
      { id: 'ok', paste: 'WARN  lloom_executor: No CUDA devices found, falling back to CPU' },
      'this is not json',
      { id: 'empty', paste: '   ' },
      { id: 'later', paste: 'x509: certificate has expired or is not yet valid' },
    ]);
    const ok = out.get('ok')!;
    assert.equal(ok.abstain, false);
    assert.equal(ok.matches![0]!.id, 'lloom#problem-gpu-not-detected');
    assert.equal(ok.matches![0]!.title, 'Problem: GPU not detected');
    assert.equal(typeof ok.fingerprint, 'string');
    assert.equal(ok.system, 'lloom');
    assert.match(out.get('#1')!.error!, /JSON/);
    assert.match(out.get('empty')!.error!, /empty/);
    assert.equal(out.get('later')!.matches![0]!.guide, 'hybridgrid');
  });

  it('abstains on chatter and on errors no guide covers', async () => {
    const out = await batch([
      { id: 'thanks', paste: 'thanks, that fixed it!' },
      { id: 'around', paste: 'anyone around?' },
      { id: 'npm', paste: 'npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree\nnpm ERR! Found: react@18.2.0' },
      { id: 'git', paste: 'fatal: not a git repository (or any of the parent directories): .git' },
      { id: 'java', paste: 'Exception in thread "main" java.lang.NoClassDefFoundError: org/apache/log4j/Logger' },
    ]);
    for (const [id, o] of out) assert.equal(o.abstain, true, `${id} abstains`);
  });

  it('fingerprints ignore timestamps, ids, peer ids and addresses, and tell errors apart', async () => {
    const out = await batch([
      { id: 'a', paste: '2025-08-14T09:12:02.871Z WARN lloom_core::network: Peer disconnected: 12D3KooWQ8xbgB3kbH2Lyoq7ZzGZgmpmJTwd2jJz4TbKa1s6nU6W (reason: Timeout) from 203.0.113.17:4001' },
      { id: 'b', paste: '2026-01-02T23:59:59.001Z WARN lloom_core::network: Peer disconnected: 12D3KooWBp3pXD9DcTgxYb2KnMEKDdJSmB9GwsJnycZQPmXAcPG2 (reason: Timeout) from 10.1.2.3:51234' },
      { id: 'c', paste: 'pod hourglass-7f9c6d8b5-x2k4q\n  Reason: CrashLoopBackOff\n  Restart Count: 6' },
      { id: 'd', paste: 'pod hourglass-5c4d7b9f8-q9w8e\n  Reason: CrashLoopBackOff\n  Restart Count: 41' },
      { id: 'e', paste: '2025-08-14T09:12:02.871Z ERROR lloom_core::signing: Signature verification failed: Invalid signature' },
    ]);
    assert.equal(out.get('a')!.fingerprint, out.get('b')!.fingerprint);
    assert.equal(out.get('c')!.fingerprint, out.get('d')!.fingerprint);
    assert.notEqual(out.get('a')!.fingerprint, out.get('e')!.fingerprint);
    assert.notEqual(out.get('a')!.fingerprint, out.get('c')!.fingerprint);
  });

  it('rejects empty, binary and oversized input with one line and exit 2', async () => {
    const empty = await run(['triage'], '  \n');
    assert.equal(empty.code, 2);
    assert.equal(empty.stderr.trim().split('\n').length, 1);
    assert.match(empty.stderr, /empty/);
    const binary = await run(['triage'], Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x01, 0x02, 0xff, 0x00, 0x10]));
    assert.equal(binary.code, 2);
    assert.match(binary.stderr, /binary/);
    const huge = await run(['triage'], 'ERROR x\n'.repeat(200_000));
    assert.equal(huge.code, 2);
    assert.match(huge.stderr, /over 1 MB/);
    const missing = await run(['triage', '--file', '/nonexistent/paste.log']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read \/nonexistent\/paste\.log: ENOENT/);
    const badTop = await run(['triage', '--top', 'zero', 'x']);
    assert.notEqual(badTop.code, 0);
  });

  it('reads a stack trace by its message, not its frames', async () => {
    const panic = (addr: string, line: number) =>
      `fatal error: runtime: out of memory\n\nruntime stack:\nruntime.throw({0x${addr}, 0x16})\n\t/usr/local/go/src/runtime/panic.go:${line} +0x5d fp=0x7ffd\ngoroutine 1 [running]:\nmain.main()\n\t/src/cmd/worker/main.go:${line + 3} +0x1f`;
    const a = JSON.parse((await run(['triage', '--json', '--explain'], panic('1a2b3c4', 1047))).stdout);
    const b = JSON.parse((await run(['triage', '--json', '--explain'], panic('9f8e7d6', 1102))).stdout);
    assert.deepEqual(a.explain.salient, ['fatal error: runtime: out of memory']);
    assert.equal(a.fingerprint, b.fingerprint, 'frames do not change the fingerprint');
    const py = JSON.parse(
      (await run(['triage', '--json', '--explain'], 'Traceback (most recent call last):\n  File "/app/agents/core/base_agent.py", line 57, in call_model\n    resp = await client.post(url, json=payload)\nhttpx.ConnectError: [Errno 111] Connection refused\n')).stdout,
    );
    assert.ok(py.explain.candidates.every((c: { why: { pasteLine: string } | null }) => !c.why || !/File "|client\.post/.test(c.why.pasteLine)), 'no frame is the matched line');
  });

  it('knows what Kubernetes and multicast DNS print, in the words the guides use', async () => {
    const out = await batch([
      { id: 'backoff', paste: '  Warning  BackOff  2m (x25 over 7m)  kubelet  Back-off restarting failed container api in pod api-5d8f9c7b6-qv2lx' },
      { id: 'pull', paste: '  Normal   BackOff  kubelet  Back-off pulling image "registry.example.com/team/app:2.4.1"' },
      { id: 'mdns', paste: 'zeroconf: failed to join multicast group on en0: no buffer space available\nbuilds fail right away, the dashboard lists no workers' },
    ]);
    assert.equal(out.get('backoff')!.matches![0]!.id, 'hourglass#crashloopbackoff');
    assert.equal(out.get('pull')!.matches![0]!.id, 'hourglass#imagepullbackoff');
    assert.equal(out.get('mdns')!.matches![0]!.id, 'hybridgrid#workers-not-discovered');
  });

  it('when the system is unknown, alternatives hedge it instead of repeating one guide on one line', async () => {
    const top3 = async (paste: string) => (await batch([{ id: 'p', paste }])).get('p')!.matches!.map((m) => m.id);
    // Two hourglass sections quote "Connection refused"; nothing here says hourglass.
    const bare = await top3('dial tcp 10.0.0.7:80: connect: connection refused');
    assert.ok(bare.includes('hourglass#connection-refused'));
    assert.ok(!bare.includes('hourglass#issue-performer-container-connection-failures'), bare.join(', '));
    // Once the paste names hourglass, both of its sections are fair alternatives.
    const named = await top3('hourglass executor: failed to reach performer: dial tcp 10.0.0.7:9090: connect: connection refused');
    assert.deepEqual(named.slice(0, 2), ['hourglass#issue-performer-container-connection-failures', 'hourglass#connection-refused']);
  });

  it('answers a log line with the section that fixes it, not the one that only shows such lines', async () => {
    // hybridgrid's "Common Log Patterns" quotes this very line, with nothing to do about it.
    const r = await run(['triage', '--json', 'level=error msg="worker unreachable" worker=worker-3 error="connection refused"']);
    const o = JSON.parse(r.stdout);
    assert.equal(o.matches[0].id, 'hybridgrid#connection-refused');
    assert.ok(o.matches.every((m: { id: string }) => m.id !== 'hybridgrid#common-log-patterns'));
  });

  it('learns from the guides which language each system speaks, and reads a paste\'s language as evidence', async () => {
    // Two guides alike in words: one shows Go code, the other Python.
    const knowledge = tempDir();
    const guide = (name: string, lang: string, code: string) =>
      `# ${name} runbook\n\n## Worker crashes\n\n**Symptoms:** the worker exits\n\n**Solutions:**\n\n1. **Patch the handler**\n   \`\`\`${lang}\n   ${code}\n   \`\`\`\n2. **Check the handler**\n   \`\`\`${lang}\n   ${code}\n   \`\`\`\n`;
    writeFileSync(join(knowledge, 'alpha.md'), guide('Alpha', 'go', 'if cfg == nil { return errNoConfig }'));
    writeFileSync(join(knowledge, 'beta.md'), guide('Beta', 'python', 'if cfg is None: raise NoConfig()'));
    const lenv = { MEDIC_DATA_DIR: tempDir(), MEDIC_KNOWLEDGE_DIR: knowledge };
    const systems = async (paste: string): Promise<Record<string, number>> =>
      JSON.parse((await medic(['triage', '--json', '--explain'], { env: lenv, input: paste })).stdout).explain.systemScores;
    const go = await systems('panic: assignment to entry in nil map\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/cmd/worker/main.go:12 +0x1d\n');
    assert.ok(go.alpha! > 2 * go.beta!, `a Go panic points to the guide with Go code: ${JSON.stringify(go)}`);
    const py = await systems('Traceback (most recent call last):\n  File "/srv/worker.py", line 12, in <module>\n    main()\nKeyError: \'settings\'\n');
    assert.ok(py.beta! > 2 * py.alpha!, `a Python traceback points to the guide with Python code: ${JSON.stringify(py)}`);
  });

  it('reads long pastes by their salient lines and says so', async () => {
    const noise = Array.from({ length: 3000 }, (_, i) => `2025-08-14T09:12:${String(i % 60).padStart(2, '0')}Z INFO lloom_executor: heartbeat ok seq=${i}`);
    noise.splice(1500, 0, '2025-08-14T09:30:00Z ERROR lloom_executor::llm_client: Failed to connect to LMStudio: Connection refused');
    const r = await run(['triage', '--json'], noise.join('\n'));
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.truncated, true);
    assert.equal(o.matches[0].id, 'lloom#problem-lmstudio-connection-failed');
    assert.match(o.reply.notes.join(' '), /salient lines/);
  });

  it('abstains when the best section leaves the paste\'s main error unexplained: other tools\' errors', async () => {
    const out = await batch([
      { id: 'node', paste: "Error: Cannot find module 'express'\nRequire stack:\n- /home/app/server.js\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1039:15)" },
      { id: 'postgres', paste: 'ERROR:  relation "users" does not exist at character 15\nSTATEMENT:  SELECT * FROM users WHERE id = 1' },
      { id: 'terraform', paste: 'Error: Error acquiring the state lock\n\nError message: ConditionalCheckFailedException: The conditional request failed\nLock Info:\n  ID:        8c1e2f0a-55b1-4a8e-9f3e-0d2b7c6a1e44\n  Operation: OperationTypeApply' },
      { id: 'rails', paste: 'ActiveRecord::PendingMigrationError: Migrations are pending. To resolve this issue, run: bin/rails db:migrate RAILS_ENV=development' },
      { id: 'webpack', paste: 'ERROR in ./src/index.tsx 12:4\nModule parse failed: Unexpected token (12:4)\nYou may need an appropriate loader to handle this file type.' },
    ]);
    for (const [id, o] of out) assert.equal(o.abstain, true, `${id} abstains`);
  });

  it('explains why: coverage, section kinds, system evidence and the fitted confidence', async () => {
    const explain = async (paste: string) => JSON.parse((await run(['triage', '--json', '--explain'], paste)).stdout);
    // An error of lloom's that no section discusses: its distinctive words stay unexplained.
    const gas = await explain('2025-11-02T10:14:07Z ERROR lloom_core::settlement: settlement batch 4411 rejected: insufficient funds for gas * price + value');
    const covered = await explain('2025-11-02T10:14:07Z ERROR lloom_core::network: Failed to dial bootstrap peer: Transport error');
    assert.equal(gas.explain.candidates[0].kind, 'problem');
    assert.ok(gas.explain.candidates[0].coverage.unexplained.includes('fund'), JSON.stringify(gas.explain.candidates[0].coverage));
    assert.ok(gas.explain.candidates[0].coverage.main < covered.explain.candidates[0].coverage.main);
    assert.ok(gas.confidence < 0.5 && covered.confidence > 0.8, `uncovered ${gas.confidence}, covered ${covered.confidence}`);
    assert.equal(covered.explain.decision, 'answered');
    assert.ok(covered.explain.inScope >= 0.5);
    assert.equal(covered.explain.features.systemNamed, 1);
    assert.deepEqual(covered.explain.systemContext, []);
  });

  it('never answers with a reference section (templates, checklists, command lists), even when the paste quotes one', async () => {
    const cards = JSON.parse((await run(['cards', '--json'])).stdout) as Array<{ id: string; kind: string }>;
    const references = new Set(cards.filter((c) => c.kind === 'reference').map((c) => c.id));
    assert.ok(references.has('llmspell#error-reporting-template') && references.has('starcoder#error-patterns'));
    const out = await batch([
      { id: 'template', paste: '## Environment\n- LLMSpell version: 0.9.0\n## Steps to Reproduce\n1. Run: ./llmspell run test.lua\n3. See error: script failed\n## Debug Output\nRUST_LOG=debug output here' },
      { id: 'grep', paste: '$ grep -i "cuda\\|gpu" logs/*.log\nERROR gpu worker: CUDA error: out of memory' },
      { id: 'log-sample', paste: 'level=error msg="worker unreachable" worker=worker-3 error="connection refused"' },
    ]);
    for (const [id, o] of out) for (const m of o.matches ?? []) assert.ok(!references.has(m.id), `${id}: ${m.id} is a reference`);
  });

  it('reads the system from context: --system, and a registered node named in the paste', async () => {
    const paste = 'dial tcp 10.0.0.7:9000: connect: connection refused';
    const top = async (args: string[], p: string, extra: Record<string, string> = {}) => {
      const r = await medic(['triage', '--json', '--explain', ...args], { env: { ...env, ...extra }, input: p });
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as { matches: Array<{ guide: string }>; explain: { systemContext: Array<{ guide: string; source: string }> } };
    };
    const bare = await top([], paste);
    assert.notEqual(bare.matches[0]!.guide, 'hourglass');
    const flagged = await top(['--system', 'hourglass'], paste);
    assert.equal(flagged.matches[0]!.guide, 'hourglass');
    assert.deepEqual(flagged.explain.systemContext.map((h) => h.source), ['--system']);
    const cfg = join(tempDir(), 'medic.yaml');
    writeFileSync(cfg, 'nodes:\n  - { name: perf-host-3, system: hourglass, host: 10.20.30.40 }\n');
    const byAddress = await top([], 'performer at 10.20.30.40:9000: connect: connection refused', { MEDIC_CONFIG: cfg });
    assert.equal(byAddress.matches[0]!.guide, 'hourglass');
    assert.deepEqual(byAddress.explain.systemContext, [{ guide: 'hourglass', nats: 9, source: 'node perf-host-3 (its address in the paste)' }]);
    const byName = await top([], 'perf-host-3: dial tcp 10.0.0.7:9000: connect: connection refused', { MEDIC_CONFIG: cfg });
    assert.equal(byName.matches[0]!.guide, 'hourglass');
    const unknown = await run(['triage', '--system', 'nosuch', 'x']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--system nosuch: no such guide; known: hourglass, hybridgrid, llmspell, lloom, starcoder/);
  });

  it('triage.answerAbove in medic.yaml sets how sure Medic must be that a section fixes a paste before it answers', async () => {
    const paste = 'dial tcp 10.0.0.7:9000: connect: connection refused';
    const decide = async (yaml: string | null) => {
      const extra: Record<string, string> = {};
      if (yaml !== null) {
        extra.MEDIC_CONFIG = join(tempDir(), 'medic.yaml');
        writeFileSync(extra.MEDIC_CONFIG, yaml);
      }
      const r = await medic(['triage', '--json', '--explain'], { env: { ...env, ...extra }, input: paste });
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as { abstain: boolean; explain: { inScope: number } };
    };
    const usual = await decide(null);
    assert.equal(usual.abstain, false);
    assert.ok(usual.explain.inScope < 0.95, `in scope ${usual.explain.inScope}`);
    const strict = await decide('triage: { answerAbove: 0.95 }\n');
    assert.equal(strict.abstain, true);
    assert.equal(strict.explain.inScope, usual.explain.inScope);
    const bad = await medic(['triage', 'x'], { env: { ...env, MEDIC_CONFIG: (() => { const f = join(tempDir(), 'medic.yaml'); writeFileSync(f, 'triage: { answerAbove: 2 }\n'); return f; })() } });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /triage\.answerAbove/);
  });

  it('ships fitted confidence weights, and medic fit reproduces them from the labelled pastes', async () => {
    const shipped = JSON.parse(readFileSync(join(ROOT, 'src', 'triage', 'confidence-model.json'), 'utf8'));
    assert.deepEqual(shipped.fittedOn.map((f: { file: string }) => f.file), ['test/fixtures/pastes/holdout.jsonl', 'test/fixtures/pastes/batch4.jsonl', 'test/fixtures/pastes/batch5.jsonl']);
    const out = join(tempDir(), 'model.json');
    const r = await medic(['fit', '--cases', ...shipped.fittedOn.map((f: { file: string }) => f.file), '--out', out], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /out-of-fold reliability/);
    assert.match(r.stdout, /0\.50 \(in use\): answered \d+\/\d+/);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), shipped);
    const check = await medic(['fit', '--check', '--cases', 'test/fixtures/pastes/batch4.jsonl'], { env });
    assert.match(check.stdout, /confidence +answers +mean conf +right/);
    assert.match(check.stdout, /"none" abstained \d+\/20/);
  });
});
