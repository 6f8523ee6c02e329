import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeGitHub } from './fakes/github.js';
import { CANARIES, makeBundles } from './fixtures/bundles.js';
import { daemon, type Daemon, medic, tempDir } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

const CANARY_KEY = 'sk-CANARYescalate0123456789abcdef';
const CANARY_PW = 'CanaryEscalatePw9';
const PASTE = [
  '$ lloom-executor start --config /etc/lloom/config.toml',
  '2026-11-20T10:00:01Z ERROR lloom_executor::llm_client: Failed to connect to LMStudio: Connection refused',
  `2026-11-20T10:00:01Z DEBUG lloom_executor: backend api_key=${CANARY_KEY} url=http://lmstudio:${CANARY_PW}@10.0.0.5:1234/v1`,
  'lloom-executor 0.4.2',
].join('\n');

describe('escalation to GitHub (real Octokit client, fake GitHub API)', () => {
  const gh = new FakeGitHub();
  let env: Record<string, string>;
  const dir = tempDir();
  const pasteFile = join(dir, 'paste.txt');

  const run = (args: string[], extra: Record<string, string> = {}) => medic(['escalate', '--file', pasteFile, '--json', ...args], { env: { ...env, ...extra } });

  before(async () => {
    await gh.start();
    writeFileSync(pasteFile, PASTE);
    writeFileSync(join(dir, 'medic.yaml'), 'escalation:\n  github: { repo: acme/ops, systems: { lloom: acme/lloom-ops } }\n  onClosed: reopen\n  recentDays: 30\n');
    env = { MEDIC_CONFIG: join(dir, 'medic.yaml'), MEDIC_DATA_DIR: dir, REDIS_URL: 'off', GITHUB_TOKEN: 'ghp_testtoken000000000000000000000000', GITHUB_API_URL: gh.apiUrl };
    const built = await medic(['index'], { env });
    assert.equal(built.code, 0, built.stderr);
  });

  after(async () => {
    await gh.stop();
  });

  it('opens an issue in the system repository, in the guides\' error-reporting template, with no secret in it', async () => {
    const r = await run(['--thread', 'T1']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { action: string; number: number; where: string; fingerprint: string };
    assert.equal(out.action, 'created');
    assert.equal(out.where, 'acme/lloom-ops');
    assert.equal(gh.issues.length, 1);
    const issue = gh.issues[0]!;
    assert.equal(issue.repo, 'acme/lloom-ops');
    // The matched problem and the strongest error line, without its timestamp, level and logger.
    assert.match(issue.title, /^\[lloom\] LMStudio connection failed: Failed to connect to LMStudio: Connection refused$/);
    for (const h of ['## Environment', '## Description', '## Steps to Reproduce', '## Expected Behavior', '## Actual Behavior', '## Debug Output', "## Medic's triage", '## Thread']) assert.ok(issue.body.includes(h), `missing ${h}`);
    assert.match(issue.body, /- System: lloom/);
    assert.match(issue.body, /- Version seen: lloom-executor 0\.4\.2/);
    assert.match(issue.body, /1\. `lloom-executor start --config \/etc\/lloom\/config\.toml`/);
    assert.match(issue.body, /Matched \*\*LMStudio connection failed\*\* \(`lloom#problem-lmstudio-connection-failed`/);
    assert.match(issue.body, /<details><summary>Full paste \(redacted\)<\/summary>/);
    assert.match(issue.body, new RegExp(`<!-- medic-fingerprint: ${out.fingerprint} -->`));
    assert.deepEqual(issue.labels, ['medic', 'lloom', `medic:${out.fingerprint}`]);
    assert.match(issue.body, /thread T1/);
    for (const c of gh.calls) {
      assert.ok(!JSON.stringify(c.body ?? '').includes(CANARY_KEY) && !JSON.stringify(c.body ?? '').includes(CANARY_PW), 'a canary reached GitHub');
      assert.equal(c.authorization, 'token ghp_testtoken000000000000000000000000');
    }
  });

  it('a second escalation of the same fingerprint comments on the issue and does not create one', async () => {
    const r = await run(['--thread', 'T2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { action: string }).action, 'commented');
    assert.equal(gh.issues.length, 1);
    assert.equal(gh.issues[0]!.comments.length, 1);
    assert.match(gh.issues[0]!.comments[0]!, /Seen again/);
    const text = await medic(['escalate', '--file', pasteFile, '--thread', 'T2'], { env });
    assert.match(text.stdout, /^Already tracked in #1 \(https:\/\/github\.example\/acme\/lloom-ops\/issues\/1\)/);
    assert.equal(gh.issues[0]!.comments.length, 1, 'the same thread does not comment twice');
  });

  it('reopens a recently closed match; a long-closed one gets a new issue that links it', async () => {
    gh.issues[0]!.state = 'closed';
    gh.issues[0]!.closed_at = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const r = await run(['--thread', 'T3']);
    assert.equal((JSON.parse(r.stdout) as { action: string }).action, 'reopened');
    assert.equal(gh.issues[0]!.state, 'open');
    gh.issues[0]!.state = 'closed';
    gh.issues[0]!.closed_at = new Date(Date.now() - 90 * 86_400_000).toISOString();
    const again = JSON.parse((await run(['--thread', 'T4'])).stdout) as { action: string; number: number; previous: number };
    assert.equal(again.action, 'created');
    assert.equal(again.previous, 1);
    assert.equal(gh.issues.length, 2);
    assert.match(gh.issues[1]!.body, /Previously tracked in #1 \(closed\)/);
  });

  it('the Escalate button on an answer puts the issue link in the thread', async () => {
    const fresh = 'ERROR llmspell_kernel: Error: Failed to start kernel service\nError: Address already in use (os error 98)';
    const r = await medic(['console'], { env, input: `${fresh}\n\n3\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[3\] Escalate/);
    assert.match(r.stdout, /^Escalated: #1$/m);
    assert.match(r.stdout, /^Opened #1 \(https:\/\/github\.example\/acme\/ops\/issues\/1\)\.$/m);
    const issue = gh.issues.find((i) => i.repo === 'acme/ops')!;
    assert.match(issue.body, /The chat thread: console channel console/);
  });

  it('Escalate on a bundle report opens an issue with the bundle\'s findings', async () => {
    const bundles = await makeBundles(join(dir, 'bundles'));
    const r = await medic(['console'], { env, input: `/analyze ${bundles.lloom}\n1\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Actions: \[1\] Escalate/);
    assert.match(r.stdout, /^Escalated: #\d+$/m);
    const issue = gh.issues.filter((i) => i.repo === 'acme/lloom-ops').at(-1)!;
    assert.match(issue.body, /## Bundle findings/);
    assert.match(issue.body, /- FAIL LMStudio connection failed: `logs\/lloom-executor\.log:\d+: /);
    assert.match(issue.body, /- FAIL Disk \/ is 96% full/);
    for (const c of CANARIES) assert.ok(!issue.body.includes(c), `canary ${c} reached the issue`);
  });

  it('without GITHUB_TOKEN writes the issue as Markdown under data/escalations and says where', async () => {
    const local = tempDir();
    const r = await medic(['escalate', '--file', pasteFile], { env: { ...env, GITHUB_TOKEN: '', MEDIC_DATA_DIR: local } });
    assert.equal(r.code, 0, r.stderr);
    const files = readdirSync(join(local, 'escalations'));
    assert.equal(files.length, 1);
    assert.match(r.stdout, new RegExp(`written to ${join(local, 'escalations', files[0]!).replace(/[.]/g, '\\.')}`));
    const md = readFileSync(join(local, 'escalations', files[0]!), 'utf8');
    assert.match(md, /## Debug Output/);
    assert.ok(!md.includes(CANARY_KEY) && !md.includes(CANARY_PW));
  });
});

describe('escalation through the escalations queue (real Redis)', () => {
  const gh = new FakeGitHub();
  let redis: TestRedis;
  let worker: Daemon;
  let env: Record<string, string>;
  const dir = tempDir();
  const pasteFile = join(dir, 'paste.txt');

  before(async () => {
    await gh.start();
    redis = await startRedis();
    writeFileSync(pasteFile, PASTE);
    writeFileSync(join(dir, 'medic.yaml'), 'escalation:\n  github: { repo: acme/ops }\n');
    env = { MEDIC_CONFIG: join(dir, 'medic.yaml'), MEDIC_DATA_DIR: dir, REDIS_URL: redis.url, MEDIC_REDIS_PREFIX: redis.prefix, GITHUB_TOKEN: 'ghp_testtoken000000000000000000000000', GITHUB_API_URL: gh.apiUrl };
    worker = daemon(['worker', '--queues', 'escalations'], env);
    await worker.waitFor(/worker consuming escalations/);
  });

  after(async () => {
    await worker?.stop();
    await gh.stop();
    await redis?.stop();
  });

  it('a 5xx on a create that succeeded on the server yields exactly one issue after the retry', async () => {
    gh.failNextCreate = true;
    const r = await medic(['escalate', '--file', pasteFile, '--thread', 'R1', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /medic: escalating through the escalations queue and a worker/);
    const out = JSON.parse(r.stdout) as { action: string; number: number };
    assert.equal(out.action, 'created');
    assert.equal(gh.issues.length, 1, `issues: ${gh.issues.map((i) => i.number).join(', ')}`);
    assert.equal(gh.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/issues')).length, 1, 'the retry looked before it created');
    assert.equal(gh.issues[0]!.comments.length, 0, 'the retry did not comment on its own issue');
  });

  it('with Redis but no worker consuming escalations, escalates here and says so; --queue fails at once', async () => {
    const lonely = { ...env, MEDIC_REDIS_PREFIX: `${redis.prefix}noworker:` };
    const queued = await medic(['escalate', '--file', pasteFile, '--thread', 'N1', '--queue'], { env: lonely });
    assert.equal(queued.code, 2);
    assert.match(queued.stderr, /no worker is consuming escalations; start `medic worker`/);
    const here = await medic(['escalate', '--file', pasteFile, '--thread', 'N2', '--json'], { env: lonely });
    assert.equal(here.code, 0, here.stderr);
    assert.match(here.stderr, /medic: escalating here \(no worker is consuming escalations\)/);
    assert.match(here.stderr, /medic: records in Redis at REDIS_URL/);
    assert.match(JSON.parse(here.stdout).action, /^(created|commented)$/);
  });
});
