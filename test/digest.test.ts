import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { PNG } from 'pngjs';
import { FileRecordStore } from '../src/store/file-store.js';
import type { CheckResult } from '../src/checks/run.js';
import { FakeDiscord } from './fakes/discord.js';
import { FakeSlack } from './fakes/slack.js';
import { chatEnv, daemon, type Daemon, medic, tempDir } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

const HOUR = 3_600_000;

interface Digest {
  systems: Array<{ system: string; up: number; degraded: number; down: number }>;
  changes: Array<{ node: string; check: string; change: string; since: string }>;
  failing: Array<{ node: string; check: string; status: string }>;
  pastes: { total: number; fingerprints: Array<{ fingerprint: string; count: number; cardId: string | null; fixedShare: number }> };
  bundles: Array<{ name: string }>;
  escalations: Array<{ fingerprint: string; number: number }>;
  unresolved: Array<{ fingerprint: string; hours: number }>;
  allClear: boolean;
  timeline: { nodes: Array<{ node: string; cells: Array<string | null> }> };
}

function result(node: string, system: string, status: CheckResult['status'], at: Date): CheckResult {
  return { node, system, check: 'health', kind: 'http', status, message: status === 'pass' ? 'status 200' : 'expected [STATUS] == 200, got 500', conditions: [], durationMs: 3, at: at.toISOString() };
}

describe('medic digest (embedded defaults, seeded records)', () => {
  let web: Server;
  let port = 0;
  const dir = tempDir();
  const config = join(dir, 'medic.yaml');
  const env = () => ({ MEDIC_CONFIG: config, MEDIC_DATA_DIR: dir, REDIS_URL: 'off' });

  before(async () => {
    web = createServer((req, res) => res.writeHead(req.url === '/health' ? 200 : 500).end());
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    port = (web.address() as AddressInfo).port;
    writeFileSync(
      config,
      `nodes:\n` +
        `  - { name: grid-1, system: hybridgrid, host: 127.0.0.1, checks: [ { name: health, kind: http, url: "http://{host}:${port}/health" } ] }\n` +
        `  - { name: grid-2, system: hybridgrid, host: 127.0.0.1, checks: [ { name: health, kind: http, url: "http://{host}:${port}/broken" } ] }\n` +
        `digest: { unresolvedHours: 12 }\n`,
    );
    const built = await medic(['index'], { env: env() });
    assert.equal(built.code, 0, built.stderr);
    // A day of history: grid-2 has failed for the last five hours.
    const store = new FileRecordStore(join(dir, 'records.json'));
    const now = Date.now();
    for (let h = 23; h >= 1; h--) {
      await store.addCheckResults([result('grid-1', 'hybridgrid', 'pass', new Date(now - h * HOUR)), result('grid-2', 'hybridgrid', h <= 5 ? 'fail' : 'pass', new Date(now - h * HOUR))]);
    }
    const answer = (id: string, fp: string, hoursAgo: number) => ({ id, fingerprint: fp, cardId: 'hybridgrid#circuit-breaker-open', alternatives: [], platform: 'discord', channelId: 'c1', threadId: `t-${id}`, userId: 'u1', createdAt: new Date(now - hoursAgo * HOUR).toISOString() });
    await store.saveAnswer(answer('a1', 'fp_aaaaaaaaaaaaaaaa', 2));
    await store.saveAnswer(answer('a2', 'fp_aaaaaaaaaaaaaaaa', 3));
    await store.saveAnswer(answer('a3', 'fp_aaaaaaaaaaaaaaaa', 4));
    await store.addFeedback('fp_aaaaaaaaaaaaaaaa', 'fixed', 'hybridgrid#circuit-breaker-open');
    await store.saveAnswer({ ...answer('old', 'fp_bbbbbbbbbbbbbbbb', 30), cardId: 'hybridgrid#compilation-timeouts' });
    await store.setEscalation('fp_bbbbbbbbbbbbbbbb', { where: 'acme/ops', number: 7, url: 'https://github.example/acme/ops/issues/7', action: 'created', at: new Date(now - HOUR).toISOString() });
    await store.addBundleSummary({ name: 'hybridgrid-bundle.tar.gz', at: new Date(now - 2 * HOUR).toISOString(), failures: 2, warnings: 3, top: ['Certificate expired'] });
  });

  after(async () => {
    await new Promise<void>((r) => web.close(() => r()));
  });

  it('reports nodes per system, what changed and since when, failing checks, the day\'s pastes, bundles, escalations and unresolved threads', async () => {
    const png = join(dir, 'digest.png');
    const r = await medic(['digest', '--json', '--png', png], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as Digest;
    assert.deepEqual(d.systems.map((s) => [s.system, s.up, s.degraded, s.down]), [['hybridgrid', 1, 0, 1]]);
    assert.equal(d.allClear, false);
    assert.deepEqual(d.failing.map((f) => [f.node, f.check, f.status]), [['grid-2', 'health', 'fail']]);
    const change = d.changes.find((c) => c.node === 'grid-2')!;
    assert.equal(change.change, 'failure');
    // Failing since the first failure in the unbroken run of failures: about five hours ago.
    const hoursAgo = (Date.now() - Date.parse(change.since)) / HOUR;
    assert.ok(hoursAgo > 4.5 && hoursAgo < 5.5, `since ${change.since}`);
    assert.equal(d.pastes.total, 3);
    assert.deepEqual(d.pastes.fingerprints.map((p) => [p.fingerprint, p.count, p.cardId, Math.round(p.fixedShare * 100)]), [['fp_aaaaaaaaaaaaaaaa', 3, 'hybridgrid#circuit-breaker-open', 33]]);
    assert.deepEqual(d.bundles.map((b) => b.name), ['hybridgrid-bundle.tar.gz']);
    assert.deepEqual(d.escalations.map((e) => [e.fingerprint, e.number]), [['fp_bbbbbbbbbbbbbbbb', 7]]);
    assert.deepEqual(d.unresolved.map((u) => u.fingerprint), ['fp_bbbbbbbbbbbbbbbb']);
    const grid2 = d.timeline.nodes.find((n) => n.node === 'grid-2')!;
    assert.equal(grid2.cells.filter((c) => c === 'fail').length >= 5, true);

    // The chart: a real PNG of the expected size, with green and red cells on it.
    const img = PNG.sync.read(readFileSync(png));
    assert.equal(img.width, 170 + 28 * 24 + 20);
    assert.equal(img.height, 56 + 2 * 22 + 46);
    const colors = new Set<string>();
    for (let i = 0; i < img.data.length; i += 4) colors.add(`${img.data[i]},${img.data[i + 1]},${img.data[i + 2]}`);
    assert.ok(colors.has('46,158,91'), 'no green (pass) cell');
    assert.ok(colors.has('214,69,69'), 'no red (fail) cell');
    assert.ok(colors.size > 10, 'the chart is blank');

    // The next digest compares with this one: nothing changed.
    const again = JSON.parse((await medic(['digest', '--json'], { env: env() })).stdout) as Digest;
    assert.deepEqual(again.changes, []);
    const text = await medic(['digest'], { env: env() });
    assert.match(text.stdout, /^Health digest: 1 down, 1 unresolved/);
    assert.match(text.stdout, /FAIL grid-2 \/ health/);
    assert.match(text.stdout, /3x Circuit Breaker Open \(fp_aaaaaaaaaaaaaaaa\), 33% marked fixed/);
  });

  it('/digest in the console posts it with the chart attached', async () => {
    const r = await medic(['console'], { env: env(), input: '/digest\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Health digest: 1 down/m);
    const saved = /Attached digest-[\d-]+\.png: saved to (\S+\.png)/.exec(r.stdout);
    assert.ok(saved, r.stdout);
    assert.ok(PNG.sync.read(readFileSync(saved[1]!)).width > 0);
  });

  it('says "all clear" with the numbers behind it when nothing is wrong', async () => {
    const calm = tempDir();
    const cfg = join(calm, 'medic.yaml');
    writeFileSync(cfg, `nodes:\n  - { name: grid-1, system: hybridgrid, host: 127.0.0.1, checks: [ { name: health, kind: http, url: "http://{host}:${port}/health" } ] }\n`);
    const r = await medic(['digest'], { env: { MEDIC_CONFIG: cfg, MEDIC_DATA_DIR: calm, REDIS_URL: 'off' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Health digest: all clear\n=+\nAll clear: 1 node up across 1 system, no failing checks, 0 pastes in the last 24 h, no unresolved threads\./);
  });
});

describe('the digest on BullMQ (real Redis), to Discord and Slack through the outbox', () => {
  const discord = new FakeDiscord();
  const slack = new FakeSlack();
  let redis: TestRedis;
  const bots: Daemon[] = [];
  let worker: Daemon;
  let env: Record<string, string>;
  let web: Server;

  before(async () => {
    await discord.start();
    await slack.start();
    redis = await startRedis();
    web = createServer((_req, res) => res.writeHead(200).end('ok'));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    const port = (web.address() as AddressInfo).port;
    const dir = tempDir();
    writeFileSync(
      join(dir, 'medic.yaml'),
      `nodes:\n  - { name: lab, system: lloom, host: 127.0.0.1, checks: [ { name: health, kind: http, url: "http://{host}:${port}/health" } ] }\n` +
        `digest: { cron: "0 9 * * *", timezone: Europe/Berlin, channels: { discord: "${discord.channels.general.id}", slack: CDIGEST } }\n`,
    );
    env = {
      MEDIC_CONFIG: join(dir, 'medic.yaml'),
      MEDIC_DATA_DIR: dir,
      REDIS_URL: redis.url,
      MEDIC_REDIS_PREFIX: redis.prefix,
      MEDIC_PORT: '0',
      ...chatEnv(discord, slack),
    };
    const built = await medic(['index'], { env });
    assert.equal(built.code, 0, built.stderr);
    worker = daemon(['worker', '--queues', 'checks,digest'], env);
    await worker.waitFor(/worker consuming checks, digest/);
  });

  after(async () => {
    for (const b of bots) await b.stop();
    await worker?.stop();
    await discord.stop();
    await slack.stop();
    await redis?.stop();
    await new Promise<void>((r) => web.close(() => r()));
  });

  it('registers the daily scheduler once with two bot processes', async () => {
    for (let i = 0; i < 2; i++) {
      const b = daemon(['serve'], env);
      bots.push(b);
      await b.waitFor(/serving \/health/, 60_000);
    }
    const queue = new Queue('digest', { connection: { url: redis.url }, prefix: `${redis.prefix}bull` });
    try {
      const schedulers = await queue.getJobSchedulers();
      assert.equal(schedulers.length, 1);
      assert.equal(schedulers[0]!.pattern, '0 9 * * *');
      assert.equal(schedulers[0]!.tz, 'Europe/Berlin');
    } finally {
      await queue.close();
    }
  });

  it('a digest run checks every node through a flow and reaches the Discord and Slack digest channels with its chart', async () => {
    // Run what the bot's daily schedule enqueues: the front doors named where it goes.
    const queue = new Queue('digest', { connection: { url: redis.url }, prefix: `${redis.prefix}bull` });
    try {
      const scheduled = (await queue.getJobSchedulers()).find((j) => j.key === 'daily-digest');
      const data = scheduled?.template?.data as { targets: Array<{ platform: string }> } | undefined;
      assert.deepEqual(data?.targets.map((t) => t.platform).sort(), ['discord', 'slack']);
      await queue.add('run', data);
    } finally {
      await queue.close();
    }
    const posted = await discord.waitFor((c) => c.method === 'POST' && c.path === `/channels/${discord.channels.general.id}/messages` && c.files.length > 0, 60_000);
    assert.match((posted.body as { content: string }).content, /\*\*Health digest: all clear\*\*/);
    assert.match(posted.files[0]!.name, /^digest-\d{4}-\d{2}-\d{2}\.png$/);
    const message = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'CDIGEST', 60_000);
    assert.match(String(message.body.text), /Health digest: all clear/);
    const upload = await slack.waitFor((c) => c.method === 'files.completeUploadExternal');
    assert.match(JSON.stringify(upload.body), /digest-\d{4}-\d{2}-\d{2}\.png/);
    const nodes = await medic(['nodes', '--json'], { env });
    assert.equal((JSON.parse(nodes.stdout) as Array<{ status: string }>)[0]!.status, 'up', 'the flow ran the node\'s checks');
  });

  it('medic digest --post sends it through the outbox to both platforms', async () => {
    const mark = discord.calls.length;
    const markSlack = slack.calls.length;
    const r = await medic(['digest', '--post'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /digest queued for discord \d+ and slack CDIGEST/);
    await discord.waitFor((c) => discord.calls.indexOf(c) >= mark && c.method === 'POST' && c.path === `/channels/${discord.channels.general.id}/messages` && c.files.length > 0, 30_000);
    await slack.waitFor((c) => slack.calls.indexOf(c) >= markSlack && c.method === 'chat.postMessage' && c.body.channel === 'CDIGEST', 30_000);
  });
});
