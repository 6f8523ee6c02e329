import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue, QueueEvents } from 'bullmq';
import { daemon, type Daemon, medic, tempDir } from './helpers.js';
import { startCluster, startRedis, type TestRedis } from './redis.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('checks on BullMQ workers (real Redis)', () => {
  let redis: TestRedis;
  let web: Server;
  let inFlight = 0;
  let maxInFlight = 0;
  let env: Record<string, string>;
  let queue: Queue;
  let events: QueueEvents;
  const running: Daemon[] = [];

  const worker = async () => {
    const d = daemon(['worker', '--queues', 'checks'], env);
    running.push(d);
    await d.waitFor(/worker consuming checks/);
    return d;
  };

  before(async () => {
    redis = await startRedis();
    web = createServer((req, res) => {
      if (req.url === '/health') res.writeHead(200).end('ok');
      else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end('late'), 2500);
      else if (req.url?.startsWith('/busy')) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        setTimeout(() => {
          inFlight--;
          res.writeHead(200).end('ok');
        }, 300);
      }
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    const port = (web.address() as AddressInfo).port;
    const dir = tempDir();
    writeFileSync(
      join(dir, 'medic.yaml'),
      `queues: { lockMs: 1000, checks: { concurrency: 16, perNode: 2 } }
nodes:
  - name: busy
    system: lloom
    host: 127.0.0.1
    checks:
${Array.from({ length: 6 }, (_, i) => `      - { name: b${i}, kind: http, url: "http://{host}:${port}/busy${i}" }`).join('\n')}
  - name: lab
    system: lloom
    host: 127.0.0.1
    checks:
      - { name: health, kind: http, url: "http://{host}:${port}/health" }
      - { name: slow, kind: http, url: "http://{host}:${port}/slow", timeoutMs: 4000 }
`,
    );
    env = { MEDIC_CONFIG: join(dir, 'medic.yaml'), REDIS_URL: redis.url, MEDIC_REDIS_PREFIX: redis.prefix, MEDIC_DATA_DIR: dir };
    const connection = { url: redis.url };
    queue = new Queue('checks', { connection, prefix: `${redis.prefix}bull` });
    events = new QueueEvents('checks', { connection, prefix: `${redis.prefix}bull` });
    await events.waitUntilReady();
  });

  after(async () => {
    for (const d of running) d.child.kill('SIGKILL');
    await events?.close();
    await queue?.close();
    await new Promise<void>((r) => web.close(() => r()));
    await redis?.stop();
  });

  it('medic check --queue runs through a worker and returns its results', async () => {
    const w = await worker();
    const r = await medic(['check', 'lab', '--check', 'health', '--queue', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const results = JSON.parse(r.stdout) as Array<{ check: string; status: string }>;
    assert.deepEqual(results.map((x) => [x.check, x.status]), [['health', 'pass']]);
    await w.stop();
  });

  it('medic check --queue says so at once when no worker is consuming the checks queue', async () => {
    const r = await medic(['check', 'lab', '--queue'], { env: { ...env, MEDIC_REDIS_PREFIX: `${redis.prefix}idle:` } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no worker is consuming checks; start `medic worker`, or run without --queue/);
  });

  it('runs at most perNode checks at once against one node, across jobs and workers', async () => {
    const a = await worker();
    const b = await worker();
    maxInFlight = 0;
    const jobs = await Promise.all([queue.add('run', { node: 'busy' }), queue.add('run', { node: 'busy' })]);
    await Promise.all(jobs.map((j) => j.waitUntilFinished(events, 30_000)));
    assert.equal(maxInFlight, 2);
    await a.stop();
    await b.stop();
  });

  it('refuses jobs for unregistered nodes and jobs that carry a URL, without retrying them', async () => {
    const w = await worker();
    const unknown = await queue.add('run', { node: 'metadata-service' }, { attempts: 3 });
    await assert.rejects(unknown.waitUntilFinished(events, 10_000), /no registered node "metadata-service"/);
    const smuggled = await queue.add('run', { node: 'lab', url: 'http://169.254.169.254/latest/meta-data/' }, { attempts: 3 });
    await assert.rejects(smuggled.waitUntilFinished(events, 10_000), /invalid checks job: \(top\): Unrecognized key/);
    assert.equal((await queue.getJob(unknown.id!))!.attemptsMade, 1, 'an unrecoverable job is not retried');
    await w.stop();
  });

  it('a job whose worker is SIGKILLed mid-run completes on another worker', async () => {
    const a = await worker();
    const job = await queue.add('run', { node: 'lab', checks: ['slow'] });
    for (let i = 0; i < 50 && (await job.getState()) !== 'active'; i++) await sleep(100);
    assert.equal(await job.getState(), 'active');
    a.child.kill('SIGKILL');
    await worker();
    const results = (await job.waitUntilFinished(events, 30_000)) as Array<{ check: string; status: string }>;
    assert.deepEqual(results.map((x) => [x.check, x.status]), [['slow', 'pass']]);
  });

  it('a job run again (its worker died after answering) puts its reply in the outbox once', async () => {
    const w = await worker();
    const outbox = new Queue('outbox', { connection: { url: redis.url }, prefix: `${redis.prefix}bull` });
    try {
      const replyTo = { platform: 'discord', channelId: '1', threadId: '2' };
      const job = await queue.add('run', { node: 'lab', checks: ['health'], replyTo });
      await job.waitUntilFinished(events, 30_000);
      // As a retry after a crash would: the same job, with the same id, runs from the start.
      await (await queue.getJob(job.id!))!.retry('completed');
      for (let i = 0; i < 100 && (await queue.getJob(job.id!))!.attemptsMade < 1; i++) await sleep(100);
      for (let i = 0; i < 100 && !(await (await queue.getJob(job.id!))!.isCompleted()); i++) await sleep(100);
      assert.equal(await (await queue.getJob(job.id!))!.isCompleted(), true, 'the job ran again');
      const replies = (await outbox.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed'])).filter((j) => (j.data as { target: { threadId: string } }).target.threadId === '2');
      assert.equal(replies.length, 1, 'one reply in the outbox');
      assert.equal(replies[0]!.id, `checks-${job.id}-0`);
    } finally {
      await outbox.close();
      await w.stop();
    }
  });

  it('on SIGTERM a worker finishes its current job, then exits', async () => {
    for (const d of running) await d.stop();
    const w = await worker();
    const job = await queue.add('run', { node: 'lab', checks: ['slow'] });
    for (let i = 0; i < 50 && (await job.getState()) !== 'active'; i++) await sleep(100);
    const code = await w.stop();
    assert.equal(code, 0);
    assert.match(w.stderr(), /finishing current jobs[\s\S]*worker stopped/);
    assert.equal(await job.getState(), 'completed');
  });

  it('works the same on a Redis Cluster named in medic.yaml', async () => {
    const dir = tempDir();
    const cluster = await startCluster(dir);
    try {
      const port = (web.address() as AddressInfo).port;
      writeFileSync(
        join(dir, 'medic.yaml'),
        `redis:\n  cluster: [${cluster.seeds.map((s) => `{ host: ${s.host}, port: ${s.port} }`).join(', ')}]\n` +
          `nodes:\n  - { name: lab, system: lloom, host: 127.0.0.1, checks: [ { name: health, kind: http, url: "http://{host}:${port}/health" } ] }\n`,
      );
      const cenv = { MEDIC_CONFIG: join(dir, 'medic.yaml'), REDIS_URL: '', MEDIC_DATA_DIR: dir };
      const w = daemon(['worker'], cenv);
      running.push(w);
      await w.waitFor(/worker consuming checks/);
      const r = await medic(['check', 'lab', '--queue', '--json'], { env: cenv });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual((JSON.parse(r.stdout) as Array<{ status: string }>).map((x) => x.status), ['pass']);
      const nodes = await medic(['nodes', '--json'], { env: cenv });
      assert.equal((JSON.parse(nodes.stdout) as Array<{ status: string }>)[0]!.status, 'up', 'history was kept in the cluster');
      assert.equal(await w.stop(), 0);
    } finally {
      await cluster.stop();
    }
  });
});
