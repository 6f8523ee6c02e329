import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { medic, ROOT, tempDir } from './helpers.js';
import { startRedis, startSentinel } from './redis.js';

describe('configuration', () => {
  it('refuses an invalid medic.yaml with one line per problem and its path', async () => {
    const f = join(tempDir(), 'medic.yaml');
    writeFileSync(f, 'chat:\n  channels: []\n  rateLimit: { perUserPerMinute: "ten" }\n  colour: blue\nserver: { port: 99999 }\ndigest: { cron: "61 9 * * *", timezone: Mars/Olympus }\n');
    const r = await medic(['cards'], { env: { MEDIC_CONFIG: f } });
    assert.equal(r.code, 2);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0]!, /medic\.yaml is invalid:/);
    assert.ok(lines.some((l) => /^ {2}chat\.channels: /.test(l)));
    assert.ok(lines.some((l) => /^ {2}chat\.rateLimit\.perUserPerMinute: /.test(l)));
    assert.ok(lines.some((l) => /^ {2}chat: .*colour/.test(l)));
    assert.ok(lines.some((l) => /^ {2}server\.port: /.test(l)));
    // The schedule is checked by the parser BullMQ uses, not by its shape.
    assert.ok(lines.some((l) => /^ {2}digest\.cron: a cron pattern/.test(l)));
    assert.ok(lines.some((l) => /^ {2}digest\.timezone: an IANA time zone/.test(l)));
  });

  it('accepts medic.example.yaml', async () => {
    const r = await medic(['cards', '--guide', 'lloom'], { env: { MEDIC_CONFIG: join(ROOT, 'medic.example.yaml') } });
    assert.equal(r.code, 0, r.stderr);
  });

  it('says what Slack needs besides the bot token', async () => {
    const r = await medic(['start'], { env: { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: '', SLACK_SIGNING_SECRET: '', REDIS_URL: 'off' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /SLACK_BOT_TOKEN needs SLACK_APP_TOKEN \(Socket Mode\) or SLACK_SIGNING_SECRET \(HTTP events\)/);
  });

  it('the nodes example in the README is a valid medic.yaml', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const at = readme.indexOf('One example per seed system:');
    const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(at))![1]!;
    const f = join(tempDir(), 'medic.yaml');
    writeFileSync(f, block);
    const r = await medic(['nodes', '--json'], { env: { MEDIC_CONFIG: f, REDIS_URL: 'off' } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as Array<{ system: string }>).map((n) => n.system), ['lloom', 'starcoder', 'hourglass', 'llmspell', 'hybridgrid', 'hybridgrid']);
  });

  it('reaches Redis through Sentinel when medic.yaml names one', async () => {
    const dir = tempDir();
    const redis = await startRedis();
    const sentinel = await startSentinel(redis.url, dir);
    try {
      const f = join(dir, 'medic.yaml');
      writeFileSync(f, `redis:\n  name: medicmaster\n  sentinels: [{ host: 127.0.0.1, port: ${sentinel.port} }]\n`);
      const r = await medic(['console'], { env: { MEDIC_CONFIG: f, MEDIC_REDIS_PREFIX: redis.prefix, REDIS_URL: '', MEDIC_DATA_DIR: dir }, input: '' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /using Redis via Sentinel \(medicmaster\)/);
    } finally {
      await sentinel.stop();
      await redis.stop();
    }
  });
});
