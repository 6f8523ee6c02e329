import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { FakeDiscord, type RestCall } from './fakes/discord.js';
import { FakeSlack } from './fakes/slack.js';
import { type FakeSsh, startSshServer } from './fakes/ssh.js';
import { chatEnv, daemon, type Daemon, medic, tempDir } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

const TOKEN = 'test-webhook-token-0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `ok()` holds (it may hold already). */
async function eventually(ok: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** An Alertmanager v4 notification for one alert on the registered node's instance. */
function alertmanager(status: 'firing' | 'resolved', o: { name?: string; instance?: string; startsAt?: string; summary?: string } = {}): Record<string, unknown> {
  const labels = { alertname: o.name ?? 'LloomBootstrapUnreachable', instance: o.instance ?? '127.0.0.1:9092', job: 'lloom-executor', severity: 'critical' };
  return {
    version: '4',
    groupKey: '{}:{alertname="LloomBootstrapUnreachable"}',
    truncatedAlerts: 0,
    status,
    receiver: 'medic',
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status,
        labels,
        annotations: {
          summary: o.summary ?? 'ERROR lloom_core::network: Failed to dial bootstrap peer: Transport error',
          description: 'No peers connected after 30 seconds on the executor.',
        },
        startsAt: o.startsAt ?? '2026-12-07T10:00:00Z',
        endsAt: status === 'resolved' ? '2026-12-07T10:14:00Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
        fingerprint: 'c0ffee',
      },
    ],
  };
}

describe('alert webhooks (real Redis, fake Discord and Slack, a worker for the checks)', () => {
  const discord = new FakeDiscord();
  const slack = new FakeSlack();
  let redis: TestRedis;
  let web: Server;
  let env: Record<string, string>;
  let bot: Daemon;
  let worker: Daemon;
  let sshd: FakeSsh;
  let port = 0;

  const startBot = async (): Promise<Daemon> => {
    const d = daemon(['serve'], env);
    const line = await d.waitFor(/alert webhooks \([^)]*\) on port \d+/, 60_000);
    port = Number(/port (\d+)/.exec(line)![1]);
    await d.waitFor(/Slack connected/, 30_000);
    return d;
  };

  const send = (path: string, body: unknown, o: { token?: string; raw?: string } = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${o.token ?? TOKEN}` },
      body: o.raw ?? JSON.stringify(body),
    });

  /** Messages the bot posted in a Discord channel or thread. */
  const discordPosts = (channelId: string): RestCall[] => discord.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages`);
  const heads = () => discordPosts(discord.channels.opsAlerts.id);

  before(async () => {
    await discord.start();
    await slack.start();
    redis = await startRedis();
    web = createServer((req, res) => res.writeHead(req.url === '/health' ? 200 : 404).end('ok'));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    const webPort = (web.address() as AddressInfo).port;
    const dir = tempDir();
    sshd = await startSshServer(dir);
    writeFileSync(
      join(dir, 'medic.yaml'),
      `queues: { lockMs: 1000 }
collect: { budgetSeconds: 20, commandSeconds: 2 }
chat:
  permissions:
    silence: { discordRoles: [oncall] }
    collect: { discordRoles: [oncall] }
nodes:
  - name: lloom-exec-1
    system: lloom
    host: 127.0.0.1
    ssh: { user: medic, port: ${sshd.port}, key: "${sshd.clientKeyPath}", hostKey: "${sshd.hostKey}" }
    checks:
      - { name: health, kind: http, url: "http://{host}:${webPort}/health", conditions: ["[STATUS] == 200"] }
alerts:
  channel: ops-alerts
  lineEverySeconds: 0
  routes: [{ match: { job: hourglass-operator }, system: hourglass }]
`,
    );
    env = { ...chatEnv(discord, slack), MEDIC_CONFIG: join(dir, 'medic.yaml'), REDIS_URL: redis.url, MEDIC_REDIS_PREFIX: redis.prefix, MEDIC_DATA_DIR: dir, MEDIC_PORT: '0', MEDIC_WEBHOOK_TOKEN: TOKEN };
    const built = await medic(['index'], { env });
    assert.equal(built.code, 0, built.stderr);
    bot = await startBot();
    worker = daemon(['worker', '--queues', 'checks,collect'], env);
    await worker.waitFor(/worker consuming checks/);
  });

  after(async () => {
    await worker?.stop();
    await bot?.stop();
    await discord.stop();
    await slack.stop();
    await new Promise<void>((r) => web.close(() => r()));
    await sshd?.stop();
    await redis?.stop();
  });

  it('a firing Alertmanager alert opens one thread per platform with its triage, then the checks from the worker', async () => {
    const res = await send('/webhooks/alertmanager', alertmanager('firing'));
    assert.equal(res.status, 202);
    assert.equal(((await res.json()) as { accepted: number }).accepted, 1);
    const head = await discord.waitFor((c) => c.method === 'POST' && c.path === `/channels/${discord.channels.opsAlerts.id}/messages`, 30_000);
    const content = JSON.stringify(head.body);
    assert.match(content, /Firing: LloomBootstrapUnreachable on lloom-exec-1/);
    assert.match(content, /instance 127\.0\.0\.1:9092/);
    assert.match(content, /Likely: /, 'the alert text was triaged to a guide section');
    assert.match(content, /Running the checks of lloom-exec-1/);
    const headId = (await discord.waitFor((c) => c.method === 'POST' && /\/messages\/\d+\/threads$/.test(c.path))).path.split('/')[4]!;
    // The worker's results come back through the outbox as an edit of the first message.
    const edited = await discord.waitFor((c) => c.method === 'PATCH' && c.path === `/channels/${discord.channels.opsAlerts.id}/messages/${headId}` && /Checks on lloom-exec-1: all passed/.test(JSON.stringify(c.body)), 30_000);
    assert.ok(edited);
    const slackHead = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'COPSALERTS' && !c.body.thread_ts, 30_000);
    assert.match(String(slackHead.body.text), /Firing: LloomBootstrapUnreachable/);
    await slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'COPSALERTS' && /Checks on lloom-exec-1/.test(JSON.stringify(c.body)), 30_000);
    assert.equal(heads().length, 1);
  });

  it('the same alert firing again edits its thread and adds a line, opening no new thread', async () => {
    const before = heads().length;
    const threadId = discord.calls.find((c) => c.method === 'POST' && /\/messages\/\d+\/threads$/.test(c.path))!.path.split('/')[4]!;
    const mark = discord.calls.length;
    const res = await send('/webhooks/alertmanager', alertmanager('firing'));
    assert.equal(res.status, 202);
    const line = await discord.waitFor((c) => discord.calls.indexOf(c) >= mark && c.method === 'POST' && c.path === `/channels/${threadId}/messages`, 30_000);
    assert.match(JSON.stringify(line.body), /Firing again \(2 notifications since 10:00 UTC\)/);
    assert.ok(discord.calls.slice(mark).some((c) => c.method === 'PATCH' && c.path.endsWith(`/messages/${threadId}`)));
    await sleep(300);
    assert.equal(heads().length, before, 'no new thread');
  });

  it('resolved posts how long it lasted and marks the first message resolved', async () => {
    const threadId = discord.calls.find((c) => c.method === 'POST' && /\/messages\/\d+\/threads$/.test(c.path))!.path.split('/')[4]!;
    const mark = discord.calls.length;
    assert.equal((await send('/webhooks/alertmanager', alertmanager('resolved'))).status, 202);
    const line = await discord.waitFor((c) => discord.calls.indexOf(c) >= mark && c.method === 'POST' && c.path === `/channels/${threadId}/messages`, 30_000);
    assert.match(JSON.stringify(line.body), /Resolved after 14 min/);
    const edit = discord.calls.slice(mark).find((c) => c.method === 'PATCH' && c.path.endsWith(`/messages/${threadId}`));
    assert.match(JSON.stringify(edit?.body), /Resolved: LloomBootstrapUnreachable/);
    await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.thread_ts && /Resolved after 14 min/.test(String(c.body.text)), 30_000);
  });

  it('refuses a wrong token (401), a malformed body naming the field (400) and a body over 1 MB (413), posting nothing', async () => {
    const mark = discord.calls.length;
    const markSlack = slack.calls.length;
    const wrong = await send('/webhooks/alertmanager', alertmanager('firing', { name: 'Other' }), { token: 'not-the-token-at-all' });
    assert.equal(wrong.status, 401);
    const noName = alertmanager('firing');
    (noName.alerts as Array<{ labels: Record<string, string> }>)[0]!.labels = { instance: 'x' };
    const bad = await send('/webhooks/alertmanager', noName);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /alerts\.0\.labels: an alertname label/);
    const notJson = await send('/webhooks/generic', null, { raw: '{"title": ' });
    assert.equal(notJson.status, 400);
    const noTitle = await send('/webhooks/generic', { text: 'no title here' });
    assert.equal(noTitle.status, 400);
    assert.match(((await noTitle.json()) as { error: string }).error, /title/);
    const huge = await send('/webhooks/generic', null, { raw: JSON.stringify({ title: 'big', text: 'x'.repeat(1024 * 1024 + 10) }) });
    assert.equal(huge.status, 413);
    await sleep(500);
    assert.equal(discord.calls.slice(mark).filter((c) => c.method === 'POST' || c.method === 'PATCH').length, 0);
    assert.equal(slack.calls.slice(markSlack).filter((c) => c.method.startsWith('chat.')).length, 0);
  });

  it('a generic alert from an unknown node is triaged, and its checks are skipped with the reason', async () => {
    const checks = new Queue('checks', { connection: { url: redis.url }, prefix: `${redis.prefix}bull` });
    try {
      const jobsBefore = (await checks.getJobCounts('completed', 'failed', 'active', 'waiting')) as Record<string, number>;
      const mark = heads().length;
      const res = await send('/webhooks/generic', { title: 'Kernel will not start', text: 'Error: Address already in use (os error 98)', severity: 'warning', labels: { instance: '10.9.9.9:8888' } });
      assert.equal(res.status, 202);
      await eventually(() => heads().length > mark, 'the alert thread');
      const content = JSON.stringify(heads().at(-1)!.body);
      assert.match(content, /Firing: Kernel will not start on 10\.9\.9\.9:8888/);
      assert.match(content, /Skipped: no registered node matches instance=10\.9\.9\.9:8888/);
      assert.match(content, /Likely: Kernel Won/);
      await sleep(500);
      const jobsAfter = (await checks.getJobCounts('completed', 'failed', 'active', 'waiting')) as Record<string, number>;
      const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
      assert.equal(total(jobsAfter), total(jobsBefore), 'no checks job');
    } finally {
      await checks.close();
    }
  });

  it('Silence needs the silence permission; with it, the first message says until when', async () => {
    const head = heads()[0]!;
    const silenceId = JSON.stringify(head.body).match(/medic:silence:[\w-]+/)![0];
    const refused = discord.sendComponent({ channelId: discord.channels.opsAlerts.id, customId: silenceId });
    const no = await discord.waitFor((c) => c.method === 'POST' && c.path.includes(`/interactions/${refused}/`));
    assert.match(JSON.stringify(no.body), /Not allowed/);
    const headId = heads()[0]!;
    const mark = discord.calls.length;
    const ok = discord.sendComponent({ channelId: discord.channels.opsAlerts.id, customId: silenceId, roles: [discord.roles.oncall.id] });
    const yes = await discord.waitFor((c) => c.method === 'POST' && c.path.includes(`/interactions/${ok}/`));
    assert.match(JSON.stringify(yes.body), /Silenced until \d\d:\d\d UTC/);
    const edit = await discord.waitFor((c) => discord.calls.indexOf(c) >= mark && c.method === 'PATCH' && /silenced until/.test(JSON.stringify(c.body)));
    assert.ok(edit && headId);
  });

  it('Collect diagnostics runs the collectors over SSH on a worker; the report lands in the thread, the planted key nowhere in chat', async () => {
    const head = heads()[0]!;
    const collectId = JSON.stringify(head.body).match(/medic:collect:[\w-]+/)?.[0];
    assert.ok(collectId, 'a node with an ssh: block offers Collect diagnostics');
    const threadId = discord.calls.find((c) => c.method === 'POST' && /\/messages\/\d+\/threads$/.test(c.path))!.path.split('/')[4]!;
    const refused = discord.sendComponent({ channelId: discord.channels.opsAlerts.id, customId: collectId });
    assert.match(JSON.stringify((await discord.waitFor((c) => c.method === 'POST' && c.path.includes(`/interactions/${refused}/`))).body), /Not allowed/);
    const mark = discord.calls.length;
    const ok = discord.sendComponent({ channelId: discord.channels.opsAlerts.id, customId: collectId, roles: [discord.roles.oncall.id] });
    assert.match(JSON.stringify((await discord.waitFor((c) => c.method === 'POST' && c.path.includes(`/interactions/${ok}/`))).body), /Collecting diagnostics from lloom-exec-1/);
    const report = await discord.waitFor((c) => discord.calls.indexOf(c) >= mark && c.method === 'POST' && c.path === `/channels/${threadId}/messages` && /Collected 5 of 6 from lloom-exec-1/.test(JSON.stringify(c.body)), 60_000);
    assert.match(JSON.stringify(report.body) + report.files.map((f) => f.content).join(''), /nvidia-smi -q: timed out/);
    assert.ok(sshd.commands.includes('journalctl -u lloom-executor -n 2000 --no-pager'));
    const everything = JSON.stringify(discord.calls.map((c) => [c.body, c.files])) + JSON.stringify(slack.calls.map((c) => c.body));
    assert.ok(!everything.includes('sk-proj-CANARY0123456789'), 'the planted key never reached chat');
  });

  it('the digest counts alerts per node and lists those still firing', async () => {
    assert.equal((await send('/webhooks/alertmanager', alertmanager('firing', { name: 'LloomDiskFull', summary: 'disk almost full' }))).status, 202);
    await eventually(() => heads().some((h) => /LloomDiskFull/.test(JSON.stringify(h.body))), 'the LloomDiskFull thread');
    const r = await medic(['digest', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as { alerts: { perNode: Array<{ node: string; count: number }>; firing: Array<{ name: string; node: string | null }> } };
    assert.deepEqual(d.alerts.perNode.find((n) => n.node === 'lloom-exec-1'), { node: 'lloom-exec-1', count: 3 });
    assert.deepEqual(
      d.alerts.firing.map((f) => f.name).sort(),
      ['Kernel will not start', 'LloomDiskFull'],
    );
  });

  it('alerts accepted (202) just before the bot is SIGKILLed are all posted by the next bot', async () => {
    const mark = heads().length;
    const burst = alertmanager('firing', { instance: '10.7.7.7:9100' });
    const one = (burst.alerts as Array<{ labels: Record<string, string> }>)[0]!;
    const names = Array.from({ length: 20 }, (_, i) => `Burst${String(i + 1).padStart(2, '0')}`);
    burst.alerts = names.map((alertname) => ({ ...one, labels: { ...one.labels, alertname } }));
    const res = await send('/webhooks/alertmanager', burst);
    assert.equal(res.status, 202);
    bot.child.kill('SIGKILL');
    await new Promise((r) => bot.child.once('exit', r));
    const postedBeforeKill = heads().length - mark;
    bot = await startBot();
    const posted = (name: string) => heads().slice(mark).filter((h) => JSON.stringify(h.body).includes(`Firing: ${name} `)).length;
    await eventually(() => names.every((n) => posted(n) >= 1), 'all 20 alert threads');
    assert.ok(postedBeforeKill < 20, `the kill came after all 20 were posted (${postedBeforeKill}): nothing was left to recover`);
    await sleep(1500);
    // The one being posted when the kill came may be posted again: its job had not finished.
    const twice = names.filter((n) => posted(n) > 1);
    assert.ok(twice.length <= 1, `posted twice: ${twice.join(', ')}`);
  });
});

describe('alert webhooks on the embedded defaults (no Redis: the file store, checks in process)', () => {
  const discord = new FakeDiscord();
  let bot: Daemon;
  let port = 0;
  let dir = '';

  before(async () => {
    await discord.start();
    dir = tempDir();
    writeFileSync(join(dir, 'medic.yaml'), `nodes:\n  - { name: hg-1, system: hourglass, host: 127.0.0.1, checks: [{ name: p2p, kind: tcp, port: 1 }] }\nalerts: { channel: ops-alerts, lineEverySeconds: 60 }\n`);
    const env = { MEDIC_CONFIG: join(dir, 'medic.yaml'), REDIS_URL: 'off', MEDIC_DATA_DIR: dir, MEDIC_PORT: '0', MEDIC_WEBHOOK_TOKEN: TOKEN, DISCORD_TOKEN: 'fake-token', DISCORD_API_URL: discord.apiUrl };
    const built = await medic(['index'], { env });
    assert.equal(built.code, 0, built.stderr);
    bot = daemon(['serve'], env);
    port = Number(/port (\d+)/.exec(await bot.waitFor(/alert webhooks \([^)]*\) on port \d+/, 60_000))![1]);
    await bot.waitFor(/Discord connected/, 30_000);
  });

  after(async () => {
    await bot?.stop();
    await discord.stop();
  });

  it('runs the checks in process, and a flapping alert posts one line a minute while its first message follows every change', async () => {
    const post = (status: 'firing' | 'resolved') =>
      fetch(`http://127.0.0.1:${port}/webhooks/generic`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Operator unhealthy', text: 'hourglass operator restarting', node: 'hg-1', status }) });
    assert.equal((await post('firing')).status, 202);
    const channel = discord.channels.opsAlerts.id;
    const created = await discord.waitFor((c) => c.method === 'POST' && /\/messages\/\d+\/threads$/.test(c.path));
    const threadId = created.path.split('/')[4]!;
    // On the embedded defaults the checks ran before the answer: the first message already has them.
    await eventually(() => discord.calls.some((c) => c.method === 'PATCH' && c.path === `/channels/${channel}/messages/${threadId}` && /Checks on hg-1: 1 failed/.test(JSON.stringify(c.body))), 'the checks in the first message');
    const mark = discord.calls.length;
    for (let i = 0; i < 3; i++) {
      assert.equal((await post('resolved')).status, 202);
      assert.equal((await post('firing')).status, 202);
    }
    assert.equal((await post('resolved')).status, 202);
    const lines = discord.calls.slice(mark).filter((c) => c.method === 'POST' && c.path === `/channels/${threadId}/messages`);
    assert.equal(lines.length, 1, 'one line within the minute');
    assert.match(JSON.stringify(lines[0]!.body), /Resolved after/);
    const edits = discord.calls.slice(mark).filter((c) => c.method === 'PATCH' && c.path === `/channels/${channel}/messages/${threadId}`);
    assert.equal(edits.length, 7);
    assert.match(JSON.stringify(edits.at(-1)!.body), /Resolved: Operator unhealthy on hg-1/);
    assert.equal(discord.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${channel}/messages`).length, 1, 'one thread');
  });
});
