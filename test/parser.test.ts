import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { ProblemCard } from '../src/knowledge/card.js';
import { FIXTURES, medic, tempDir } from './helpers.js';

let cards: ProblemCard[] = [];
const card = (id: string): ProblemCard => {
  const c = cards.find((k) => k.id === id);
  assert.ok(c, `card ${id} exists`);
  return c;
};

describe('guides to problem cards (medic cards --json)', () => {
  before(async () => {
    const r = await medic(['cards', '--json']);
    assert.equal(r.code, 0, r.stderr);
    cards = JSON.parse(r.stdout) as ProblemCard[];
  });

  it('parses every shipped guide into leaf cards', () => {
    const counts: Record<string, number> = {};
    for (const c of cards) counts[c.guide] = (counts[c.guide] ?? 0) + 1;
    assert.deepEqual(counts, { hourglass: 28, hybridgrid: 14, llmspell: 57, lloom: 25, starcoder: 56 });
    assert.equal(new Set(cards.map((c) => c.id)).size, cards.length, 'ids are unique');
  });

  it('Lloom "#### Problem:" layout: literal error lines, commands and numbered steps', () => {
    const c = card('lloom#problem-cannot-connect-to-bootstrap-peers');
    assert.deepEqual(c.errorLines, [
      'ERROR lloom_core::network: Failed to dial bootstrap peer: Transport error',
      'WARN  lloom_core::network: No peers connected after 30 seconds',
    ]);
    assert.deepEqual(c.path, ['Troubleshooting', 'Common Issues and Solutions', 'Network Connectivity Issues', 'Problem: Cannot connect to bootstrap peers']);
    assert.equal(c.solutions.length, 4);
    assert.equal(c.solutions[0]!.text, 'Check network connectivity:');
    assert.match(c.solutions[1]!.code[0]!.text, /listen_address = "\/ip4\/0\.0\.0\.0\/tcp\/4001"/);
    assert.ok(c.diagnosis.commands.includes('nc -zv bootstrap1.lloom.network 4001'));
    assert.ok(c.commands.includes('sudo ufw status'));
    assert.deepEqual(c.lines, { start: 59, end: 100 });
  });

  it('StarCoder numbered "###" with "####" Symptoms/Causes/Solutions headings', () => {
    const c = card('starcoder#1-services-not-starting');
    assert.equal(c.kind, 'problem');
    assert.deepEqual(c.symptoms, ['Docker containers fail to start', 'Services return 503 errors', 'Health checks fail']);
    assert.deepEqual(c.causes, ['Insufficient resources', 'Port conflicts', 'Configuration errors', 'Missing dependencies']);
    assert.ok(c.diagnosis.commands.includes('netstat -tulpn | grep :9001'));
    assert.deepEqual(c.solutions.map((s) => s.text), ['Check resource availability', 'Check port conflicts', 'Verify configuration']);
  });

  it('Hourglass "### Issue:" layout and its "Common Error Messages" list', () => {
    const c = card('hourglass#issue-missing-kubernetes-configuration');
    assert.ok(c.errorLines.includes('kubernetes configuration is required'));
    assert.ok(c.solutions[0]!.code[0]!.text.includes('performer_crd_group: "hourglass.eigenlayer.io"'));
    const crash = card('hourglass#crashloopbackoff');
    assert.deepEqual(crash.errorLines, ['CrashLoopBackOff']);
    assert.deepEqual(crash.causes, ['Application crashes on startup']);
    assert.equal(crash.solutions[0]!.text, 'Check application logs and configuration');
  });

  it('LLMSpell quoted error headings carry the heading as an error line', () => {
    const c = card('llmspell#no-api-key-found');
    assert.deepEqual(c.errorLines, ['No API key found', "Error: No API key configured for provider 'openai'"]);
    assert.ok(c.commands.includes('export OPENAI_API_KEY="sk-..."'));
  });

  it('Hybridgrid "Causes & Solutions" lists give causes and steps', () => {
    const c = card('hybridgrid#workers-not-discovered');
    assert.deepEqual(c.symptoms, ['Coordinator shows 0 workers, builds fail immediately']);
    assert.deepEqual(c.causes, ['mDNS blocked by firewall', 'Different subnets', 'Worker not running']);
    assert.ok(c.solutions[0]!.code[0]!.text.includes('sudo ufw allow 5353/udp'));
  });

  it('reference sections are known by their shape: log samples, templates, checklists, command lists, contents', () => {
    for (const id of [
      'hybridgrid#common-log-patterns', // sample log records only
      'llmspell#error-reporting-template', // a document to fill in
      'lloom#information-to-provide', // what to include, read-only commands
      'starcoder#4-issue-reporting', // a checklist of nouns
      'hourglass#common-diagnostic-commands', // read-only commands
      'llmspell#troubleshooting-guide', // the title and a table of contents
    ])
      assert.equal(card(id).kind, 'reference', id);
    // Sections that name a problem, or change something, stay answers.
    for (const c of cards.filter((c) => /^(problem|issue)\s*:/i.test(c.title))) assert.equal(c.kind, 'problem', c.id);
    assert.equal(card('hourglass#crashloopbackoff').kind, 'problem');
    assert.equal(card('llmspell#enable-debug-logging').kind, 'procedure');
  });

  it('error-code and HTTP status tables become one card per row; a row whose fix is a few words is no answer', () => {
    const row = card('starcoder#application-error-codes/model_unavailable');
    assert.equal(row.kind, 'reference', '"Check StarCoder service" names a place to look, not a fix');
    assert.equal(row.title, 'MODEL_UNAVAILABLE Model not available');
    assert.ok(row.errorLines.includes('MODEL_UNAVAILABLE'));
    assert.equal(row.solutions[0]!.text, 'Solution: Check StarCoder service');
    assert.equal(card('starcoder#http-status-codes/503').title, '503 Service Unavailable');
  });

  it('"#" lines inside code fences are shell comments, not headings', () => {
    assert.ok(!cards.some((c) => /check executor logs|check operator logs/i.test(c.title)));
    assert.ok(card('hourglass#common-diagnostic-commands').commands.includes('kubectl logs -n my-avs-project deployment/my-avs-executor'));
  });

  it('a section that starts "If ..." states its symptom', () => {
    assert.deepEqual(card('lloom#node-hanging').symptoms, ['a node becomes unresponsive']);
  });

  it('a sixth guide in another layout yields cards with no code change', async () => {
    const dir = tempDir();
    cpSync(join(FIXTURES, 'guides', 'gridcache.md'), join(dir, 'gridcache.md'));
    const r = await medic(['cards', '--json'], { env: { MEDIC_KNOWLEDGE_DIR: dir } });
    assert.equal(r.code, 0, r.stderr);
    const got = JSON.parse(r.stdout) as ProblemCard[];
    const e1001 = got.find((c) => c.id === 'gridcache#e1001--cache-shard-unreachable');
    assert.ok(e1001);
    assert.equal(e1001.kind, 'problem');
    assert.deepEqual(e1001.errorLines, ['gridcache: E1001 shard unreachable (dial timeout)']);
    assert.deepEqual(e1001.causes, ['The shard node is down', 'A firewall blocks port 7700']);
    assert.deepEqual(e1001.commands, ['gridcache-admin shard status --all', 'sudo ufw allow 7700/tcp']);
    const e1002 = got.find((c) => c.id === 'gridcache#e1002--eviction-storm');
    assert.deepEqual(e1002?.errorLines, ['WARN gridcache::evictor: evicted 50000 entries in 10s (eviction storm)']);
    assert.deepEqual(got.filter((c) => c.kind === 'row').map((c) => c.title), ['64 Bad configuration', '75 Shard quorum lost']);
  });
});
