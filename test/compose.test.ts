import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ROOT, tempDir } from './helpers.js';

interface Service {
  command?: string[];
  healthcheck?: { test: string[] };
  volumes?: string[];
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service & { '<<'?: Service }> };

  it('has redis with AOF and a volume, a bot and a scalable worker, each with a healthcheck', () => {
    const { redis, bot, worker } = compose.services;
    assert.ok(redis && bot && worker);
    assert.ok(redis.command!.includes('--appendonly'));
    assert.ok(redis.volumes!.some((v) => v.endsWith(':/data')));
    assert.deepEqual(bot.command, ['serve']);
    assert.deepEqual(worker.command, ['worker', '--queues', 'checks,bundles,escalations,digest,collect']);
    // The bot downloads uploads and the workers read them: they share the data volume.
    for (const s of [bot, worker]) assert.ok((s.volumes ?? s['<<']?.volumes ?? []).some((v: string) => v.endsWith(':/data')), 'bot and worker share /data');
    for (const s of [redis, bot, worker]) assert.ok(s.healthcheck?.test.length);
    assert.ok(!('container_name' in worker), 'a fixed container name would stop --scale');
  });

  it('validates with docker-compose config -q', (t) => {
    if (spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).error) {
      t.skip('docker-compose is not installed here (.ci/run installs it)');
      return;
    }
    const dir = tempDir();
    copyFileSync(join(ROOT, 'docker-compose.yml'), join(dir, 'docker-compose.yml'));
    writeFileSync(join(dir, '.env'), '');
    writeFileSync(join(dir, 'medic.yaml'), '');
    const r = spawnSync('docker-compose', ['config', '-q'], { cwd: dir, encoding: 'utf8' });
    assert.ifError(r.error);
    assert.equal(r.status, 0, r.stderr);
  });
});
