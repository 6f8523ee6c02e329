import { createHmac } from 'node:crypto';
import { expect, type Scenario } from './scenario.js';
import { SIGNING_SECRET, sleep, type Stack } from './stack.js';

/**
 * Requests to /slack/events that Slack did not send: unsigned, signed with the wrong secret,
 * and a correctly signed one replayed more than five minutes later. None may be accepted.
 */
export const slackSignatures: Scenario = {
  name: 'Slack signatures',
  async run(stack: Stack) {
    const slack = stack.slack;
    const mark = slack.calls.length;
    const event = (n: number) =>
      JSON.stringify({ token: 'x', team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: `EvForged${n}`, event_time: Math.floor(Date.now() / 1000), event: { type: 'message', channel: 'CTROUBLE', user: 'UMALLORY', text: `<@${slack.botUserId}> Error: Address already in use (os error 98)`, ts: `1800000000.00${n}`, channel_type: 'channel' } });
    const sign = (secret: string, ts: number, body: string) => 'v0=' + createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
    const now = () => Math.floor(Date.now() / 1000);
    const cases: Array<{ kind: string; headers: (body: string) => Record<string, string> }> = [
      { kind: 'unsigned', headers: () => ({}) },
      { kind: 'wrong secret', headers: (b) => ({ 'x-slack-request-timestamp': String(now()), 'x-slack-signature': sign('not-the-secret', now(), b) }) },
      { kind: 'replayed (6 minutes old)', headers: (b) => ({ 'x-slack-request-timestamp': String(now() - 360), 'x-slack-signature': sign(SIGNING_SECRET, now() - 360, b) }) },
      { kind: 'signature of another body', headers: () => ({ 'x-slack-request-timestamp': String(now()), 'x-slack-signature': sign(SIGNING_SECRET, now(), event(99)) }) },
    ];
    const results: Array<{ kind: string; status: number }> = [];
    let n = 0;
    for (const c of cases) {
      for (let i = 0; i < 5; i++) {
        const body = event(n++);
        const res = await fetch(stack.eventsUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...c.headers(body) }, body });
        results.push({ kind: c.kind, status: res.status });
      }
    }
    await sleep(2000);
    const accepted = results.filter((r) => r.status >= 200 && r.status < 300).length;
    const answered = slack.calls.slice(mark).filter((c) => c.method === 'chat.postMessage').length;
    const byKind = Object.fromEntries(cases.map((c) => [c.kind, [...new Set(results.filter((r) => r.kind === c.kind).map((r) => r.status))]]));
    const missed: string[] = [];
    expect(missed, accepted === 0, `accepted ${accepted}, target 0`);
    expect(missed, answered === 0, `answered ${answered}, target 0`);
    return { figures: { requests: results.length, accepted, answered, statusByKind: byKind }, missed };
  },
};
