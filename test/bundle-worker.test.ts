import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue, QueueEvents } from 'bullmq';
import { CANARIES, makeBundles } from './fixtures/bundles.js';
import { makeHostile } from './fixtures/hostile.js';
import { daemon, type Daemon, medic, tempDir } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

interface OutboxData {
  target: { platform: string; channelId: string; threadId: string | null };
  reply: { title: string; summary: string; sections: Array<{ heading: string }>; attachments: Array<{ name: string; content?: string }> };
  edit?: string;
}

describe('bundles on BullMQ workers (real Redis)', () => {
  let redis: TestRedis;
  let bundles: Queue;
  let outbox: Queue;
  let events: QueueEvents;
  let worker: Daemon;
  const dir = tempDir();
  const uploads = join(dir, 'uploads');
  let fixtures: Awaited<ReturnType<typeof makeBundles>>;
  let seq = 0;

  /** Puts a file where the bot's download would, and enqueues it as the bot does. */
  const submit = async (path: string, name: string) => {
    const id = `up${++seq}`;
    mkdirSync(join(uploads, id), { recursive: true });
    copyFileSync(path, join(uploads, id, name));
    const job = await bundles.add('analyze', { upload: `${id}/${name}`, name, replyTo: { platform: 'discord', channelId: 'c1', threadId: `t${seq}` }, progressMessage: `m${seq}` }, { attempts: 2 });
    return { job, id, thread: `t${seq}`, message: `m${seq}` };
  };

  /** What the worker put in the outbox for a thread, in order. */
  const repliesTo = async (thread: string): Promise<OutboxData[]> =>
    (await outbox.getJobs(['waiting', 'delayed', 'completed', 'failed']))
      .sort((a, b) => a.timestamp - b.timestamp || Number(a.id) - Number(b.id))
      .map((j) => j.data as OutboxData)
      .filter((d) => d.target.threadId === thread);

  before(async () => {
    redis = await startRedis();
    fixtures = await makeBundles(join(dir, 'fixtures'));
    const connection = { url: redis.url };
    bundles = new Queue('bundles', { connection, prefix: `${redis.prefix}bull` });
    outbox = new Queue('outbox', { connection, prefix: `${redis.prefix}bull` });
    events = new QueueEvents('bundles', { connection, prefix: `${redis.prefix}bull` });
    await events.waitUntilReady();
    worker = daemon(['worker', '--queues', 'bundles'], { REDIS_URL: redis.url, MEDIC_REDIS_PREFIX: redis.prefix, MEDIC_DATA_DIR: dir });
    await worker.waitFor(/worker consuming bundles/);
  });

  after(async () => {
    worker?.child.kill('SIGKILL');
    await events?.close();
    await bundles?.close();
    await outbox?.close();
    await redis?.stop();
  });

  it('analyzes an upload and posts the report with its Markdown attached, editing the progress message', async () => {
    const { job, id, thread, message } = await submit(fixtures.lloom, 'diagnostic-bundle.tar.gz');
    const result = (await job.waitUntilFinished(events, 120_000)) as { findings: number };
    assert.ok(result.findings >= 5);
    const replies = await repliesTo(thread);
    const report = replies.find((r) => !r.edit);
    assert.ok(report, 'no report was posted');
    assert.match(report.reply.title, /^Bundle diagnostic-bundle\.tar\.gz: \d+ failures/);
    const findings = report.reply.sections.filter((x) => x.heading !== 'In short');
    assert.ok(findings.length > 0 && findings.length <= 5, 'the summary shows the top findings');
    assert.equal(report.reply.sections[0]!.heading, 'In short');
    assert.ok(report.reply.sections.some((s) => /LMStudio connection failed/.test(s.heading)));
    const md = report.reply.attachments[0]?.content ?? '';
    assert.match(md, /^# Bundle report: diagnostic-bundle\.tar\.gz/);
    for (const c of CANARIES) assert.ok(!JSON.stringify(replies).includes(c), `canary ${c} reached the outbox`);
    const edits = replies.filter((r) => r.edit === message);
    assert.match(edits.at(-1)!.reply.summary, /^Done: \d+ findings/);
    assert.ok(!existsSync(join(uploads, id)), 'the upload was not removed');
  });

  it('answers hostile bundles with a refusal and keeps serving', async () => {
    mkdirSync(join(dir, 'hostile-src'));
    const hostile = await makeHostile(join(dir, 'hostile-src'), join(dir, 'escaped.txt'));
    for (const name of ['traversal.tar.gz', 'bomb.tar.gz', 'symlink.tar.gz', 'random.tar.gz']) {
      const c = hostile.find((h) => h.path.endsWith(name))!;
      const { job, id, thread } = await submit(c.path, name);
      const result = (await job.waitUntilFinished(events, 60_000)) as { refused?: string };
      assert.match(result.refused ?? '', c.expect, name);
      const refusal = (await repliesTo(thread)).find((r) => !r.edit);
      assert.match(refusal?.reply.title ?? '', new RegExp(`^Could not analyze ${name.replace(/\./g, '\\.')}`));
      assert.ok(!existsSync(join(uploads, id)));
    }
    assert.ok(!existsSync(join(dir, 'escaped.txt')));
    // Still serving: a good bundle after the hostile ones.
    const { job } = await submit(fixtures.hybridgrid, 'hybridgrid-bundle.tar.gz');
    assert.ok(((await job.waitUntilFinished(events, 120_000)) as { findings: number }).findings > 0);
    assert.equal(worker.child.exitCode, null);
    assert.deepEqual(readdirSync(uploads), []);
  });

  it('the console runs its bundle in process even with Redis (it receives nothing through the outbox)', async () => {
    const r = await medic(['console'], { env: { REDIS_URL: redis.url, MEDIC_REDIS_PREFIX: redis.prefix, MEDIC_DATA_DIR: dir }, input: `/analyze ${fixtures.starcoder}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /using Redis at REDIS_URL for records; jobs run here/);
    assert.match(r.stdout, /^Bundle starcoder-logs\.tar\.gz: \d+ failures/m);
  });

  it('refuses a job that names a path outside the uploads folder, without retrying it', async () => {
    const job = await bundles.add('analyze', { upload: '../../etc/passwd', name: 'passwd', replyTo: { platform: 'discord', channelId: 'c1', threadId: null }, progressMessage: null }, { attempts: 3 });
    await assert.rejects(job.waitUntilFinished(events, 10_000), /invalid bundles job/);
    assert.equal((await bundles.getJob(job.id!))!.attemptsMade, 1);
  });
});
