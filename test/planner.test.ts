import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { medic } from './helpers.js';

interface Planned {
  id: string;
  suggestedChecks: Array<{ name: string; kind: string; url?: string; port?: number; command?: string; unit?: string }>;
}

describe('the check planner on the guides\' real cards (medic cards --checks)', () => {
  let cards: Map<string, Planned>;
  const plan = (id: string) => cards.get(id)!.suggestedChecks.map((c) => [c.kind, c.url ?? c.port ?? (c.unit ? `${c.command}:${c.unit}` : c.command)]);

  before(async () => {
    const r = await medic(['cards', '--checks', '--json']);
    assert.equal(r.code, 0, r.stderr);
    cards = new Map((JSON.parse(r.stdout) as Planned[]).map((c) => [c.id, c]));
  });

  it('turns curl on localhost into http, metrics and models checks on the node', () => {
    assert.deepEqual(plan('lloom#problem-model-not-found'), [['models', 'http://{host}:1234/v1/models']]);
    assert.deepEqual(plan('hybridgrid#circuit-breaker-open'), [['metrics', 'http://{host}:8080/metrics']]);
    assert.deepEqual(plan('hybridgrid#connection-refused'), [['http', 'http://{host}:8080/health'], ['http', 'http://{host}:9090/health']]);
  });

  it('turns telnet/nc to localhost into tcp checks', () => {
    assert.deepEqual(plan('starcoder#1-connection-issues'), [['tcp', 9001], ['tcp', 9002], ['tcp', 8003]]);
  });

  it('turns df, free, nvidia-smi, systemctl, journalctl and docker ps into ssh templates', () => {
    assert.deepEqual(plan('lloom#problem-out-of-memory'), [['ssh', 'memory'], ['ssh', 'gpu']]);
    assert.deepEqual(plan('llmspell#service-deployment-failures'), [['ssh', 'service:llmspell-kernel'], ['ssh', 'journal:llmspell-kernel']]);
    assert.deepEqual(plan('hourglass#issue-performer-container-connection-failures'), [['ssh', 'containers']]);
  });

  it('leaves commands aimed at other hosts, writes and placeholders to people', () => {
    assert.deepEqual(plan('lloom#problem-cannot-connect-to-bootstrap-peers'), []);
    assert.ok(!cards.get('llmspell#message-routing-issues-multi-client')!.suggestedChecks.some((c) => /client-id/.test(c.url ?? '')));
    assert.ok(!cards.get('starcoder#1-http-errors')!.suggestedChecks.some((c) => /generate/.test(c.url ?? '')), 'POST requests are not checks');
  });
});
