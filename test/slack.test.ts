import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeSlack, type ApiCall } from './fakes/slack.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CANARIES, makeBundles } from './fixtures/bundles.js';
import { daemon, type Daemon, medic, tempDir } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';
import { Redis } from 'ioredis';
import { Outbox } from '../src/queue/outbox.js';

const PASTE = 'ERROR lloom_core::network: Failed to dial bootstrap peer: Transport error\nWARN  lloom_core::network: No peers connected after 30 seconds';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const text = (c: ApiCall) => JSON.stringify(c.body.blocks ?? []);

describe('Slack front door (real Bolt app, fake Slack Web API, signed events)', () => {
  const fake = new FakeSlack();
  let redis: TestRedis;
  let bot: Daemon;
  let events = '';

  async function pasteAndAnswer(content: string): Promise<{ ts: string; call: ApiCall }> {
    const mark = fake.calls.length;
    const { ts, status } = await fake.message(events, { channel: 'CTROUBLE', text: content });
    assert.equal(status, 200);
    const call = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'chat.postMessage' && c.body.thread_ts === ts);
    return { ts, call };
  }

  before(async () => {
    await fake.start();
    redis = await startRedis();
    const config = join(tempDir(), 'medic.yaml');
    writeFileSync(config, 'chat:\n  permissions:\n    check: { slackUsergroups: [SONCALL] }\n    learn: { slackUsergroups: [SONCALL] }\n');
    const env = {
      MEDIC_CONFIG: config,
      SLACK_BOT_TOKEN: 'xoxb-fake-token-for-tests',
      SLACK_SIGNING_SECRET: fake.signingSecret,
      SLACK_API_URL: fake.apiUrl,
      REDIS_URL: redis.url,
      MEDIC_REDIS_PREFIX: redis.prefix,
      MEDIC_DATA_DIR: tempDir(),
      MEDIC_PORT: '0',
    };
    const built = await medic(['index'], { env });
    assert.equal(built.code, 0, built.stderr);
    bot = daemon(['serve'], env);
    await bot.waitFor(/Slack connected \(HTTP events at \/slack\/events\)/);
    events = `http://127.0.0.1:${/on port (\d+)/.exec(bot.stderr())![1]}/slack/events`;
  });

  after(async () => {
    await bot?.stop();
    await fake.stop();
    await redis?.stop();
  });

  it('answers an error paste in #troubleshooting with thread_ts, the card, its citation and buttons', async () => {
    const { call } = await pasteAndAnswer(PASTE);
    const blocks = call.body.blocks as Array<{ type: string; text?: { text: string }; elements?: Array<{ action_id?: string; text?: string }> }>;
    assert.equal(blocks[0]!.type, 'header');
    assert.equal(blocks[0]!.text!.text, 'Cannot connect to bootstrap peers (lloom)');
    assert.match(text(call), /Source: knowledge\/lloom.md/);
    const actions = blocks.find((b) => b.type === 'actions')!;
    assert.deepEqual(actions.elements!.map((e) => e.action_id), ['medic:fixed', 'medic:not-it', 'medic:escalate', 'medic:show-more']);
  });

  it('reads a mention in a thread in the light of what people said earlier in it', async () => {
    const opener = await pasteAndAnswer('Error from server (Forbidden): performers.hourglass.eigenlayer.xyz is forbidden: User "system:serviceaccount:avs:executor" cannot create resource "performers"');
    assert.match(opener.call.body.blocks[0].text.text, /\(hourglass\)$/);
    const followUp = `<@${fake.botUserId}> still failing after that: permission denied`;
    const answerTo = async (threadTs?: string): Promise<ApiCall> => {
      const mark = fake.calls.length;
      const { ts } = await fake.message(events, { channel: 'CTROUBLE', text: followUp, user: 'UDAVE', ...(threadTs ? { threadTs } : {}) });
      return fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'chat.postMessage' && c.body.thread_ts === (threadTs ?? ts));
    };
    // Alone, the words name no system, and another guide's section comes first.
    assert.doesNotMatch((await answerTo()).body.blocks[0].text.text, /\(hourglass\)$/);
    const mark = fake.calls.length;
    assert.match((await answerTo(opener.ts)).body.blocks[0].text.text, /\(hourglass\)$/);
    assert.ok(fake.calls.slice(mark).some((c) => c.method === 'conversations.replies' && c.body.ts === opener.ts));
  });

  it('an outbox reply whose files failed after its message posted is retried without a second message', async () => {
    const { ts } = await pasteAndAnswer(PASTE);
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const outbox = new Outbox(conn, redis.prefix);
    const mark = fake.calls.length;
    // The message posts, then the upload fails: the outbox job fails after its visible effect.
    fake.failNext.add('files.getUploadURLExternal');
    await outbox.put(
      {
        target: { platform: 'slack', channelId: 'CTROUBLE', threadId: ts },
        reply: { title: 'Bundle report', summary: 'Two findings.', sections: [], citations: [], actions: [], attachments: [{ name: 'report.md', contentType: 'text/markdown', content: '# Bundle report' }], notes: [] },
      },
      'bundles-77-0',
    );
    await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'files.completeUploadExternal', 20_000);
    const posts = fake.calls.slice(mark).filter((c) => c.method === 'chat.postMessage' && c.body.thread_ts === ts);
    assert.equal(posts.length, 1, 'one message in the thread');
    const meta = posts[0]!.body.metadata;
    assert.equal((typeof meta === 'string' ? JSON.parse(meta) : meta).event_payload.key, 'bundles-77-0');
    assert.ok(fake.calls.slice(mark).some((c) => c.method === 'conversations.replies' && String(c.body.include_all_metadata) === 'true'), 'the retry looked for its message');
    await outbox.close();
    conn.disconnect();
  });

  it('rejects a request with a bad signature', async () => {
    const mark = fake.calls.length;
    const { status } = await fake.message(events, { channel: 'CTROUBLE', text: PASTE }, 'wrong-secret');
    assert.equal(status, 401);
    await sleep(500);
    assert.equal(fake.calls.slice(mark).filter((c) => c.method.startsWith('chat.')).length, 0);
  });

  it('stays silent on chatter, in other channels, and for bots', async () => {
    const mark = fake.calls.length;
    await fake.message(events, { channel: 'CTROUBLE', text: 'anyone around?' });
    await fake.message(events, { channel: 'CGENERAL', text: PASTE });
    await fake.message(events, { channel: 'CTROUBLE', text: PASTE, botId: 'BOTHER' });
    await sleep(1500);
    assert.deepEqual(fake.calls.slice(mark).filter((c) => c.method.startsWith('chat.')), []);
  });

  it('escapes <!channel> and user mentions from a paste', async () => {
    const { call } = await pasteAndAnswer('<!channel> <@U999> please look\nERROR lloom_executor: Model \'llama-3-8b\' not found in backend');
    const all = JSON.stringify(call.body);
    assert.doesNotMatch(all, /<!channel>|<@U999>/);
  });

  it('"Not it" and a pick record feedback that changes the next answer', async () => {
    const { ts, call } = await pasteAndAnswer(PASTE);
    const blocks = call.body.blocks as Array<{ type: string; block_id?: string }>;
    const blockId = blocks.find((b) => b.type === 'actions')!.block_id!;
    let mark = fake.calls.length;
    assert.equal(await fake.action(events, { channel: 'CTROUBLE', messageTs: '1.0', threadTs: ts, blockId, actionId: 'medic:not-it', value: blockId.slice(6) }), 200);
    const menu = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'chat.postEphemeral');
    const select = (menu.body.blocks as Array<{ type: string; block_id?: string; elements?: Array<{ type: string; options?: Array<{ value: string }> }> }>).find((b) => b.type === 'actions')!;
    assert.equal(select.elements![0]!.type, 'static_select');
    assert.ok(select.elements![0]!.options!.some((o) => o.value === 'lloom#problem-peers-disconnect-frequently'));

    mark = fake.calls.length;
    await fake.action(events, { channel: 'CTROUBLE', messageTs: '2.0', threadTs: ts, blockId: select.block_id!, actionId: 'medic:pick', selected: 'lloom#problem-peers-disconnect-frequently' });
    const picked = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'chat.postMessage');
    assert.equal(picked.body.thread_ts, ts);
    assert.match(text(picked), /Peers disconnect frequently/);

    const again = await pasteAndAnswer(PASTE);
    assert.equal((again.call.body.blocks as Array<{ text?: { text: string } }>)[0]!.text!.text, 'Peers disconnect frequently (lloom)');
  });

  it('"Not it", a fix typed in the thread, "Save this fix": the next paste of that error is answered from the team note', async () => {
    const { ts, call } = await pasteAndAnswer('2026-12-07T09:14:02Z ERROR lloom_executor::shards: shard checksum mismatch for llama-13b shard 41 on 10.0.0.5');
    const blockId = (call.body.blocks as Array<{ type: string; block_id?: string }>).find((b) => b.type === 'actions')!.block_id!;
    let mark = fake.calls.length;
    await fake.action(events, { channel: 'CTROUBLE', messageTs: '1.0', threadTs: ts, blockId, actionId: 'medic:not-it', value: blockId.slice(6) });
    const picker = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'chat.postEphemeral');
    assert.match(text(picker), /medic:save-fix/);
    const pickerBlock = (picker.body.blocks as Array<{ type: string; block_id?: string }>).find((b) => b.type === 'actions')!.block_id!;
    await fake.message(events, { channel: 'CTROUBLE', threadTs: ts, user: 'UBOB', text: 'Got it: the shard cache was stale after the upgrade. `lloom-cli shards verify --repair` then restart the executor. password=hunter2hunter2' });
    await sleep(300);

    // Saving needs the learn permission.
    mark = fake.calls.length;
    await fake.action(events, { channel: 'CTROUBLE', messageTs: '2.0', threadTs: ts, blockId: pickerBlock, actionId: 'medic:save-fix', value: 'x' });
    const refused = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'chat.postEphemeral');
    assert.match(text(refused), /Not allowed/);

    mark = fake.calls.length;
    await fake.action(events, { channel: 'CTROUBLE', messageTs: '2.0', threadTs: ts, blockId: pickerBlock, actionId: 'medic:save-fix', value: 'x', user: 'UBOB' });
    const opened = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'views.open');
    const view = opened.body.view as { callback_id: string; private_metadata: string; blocks: Array<{ block_id: string; element: { initial_value?: string } }> };
    const fix = view.blocks.find((b) => b.block_id === 'fix')!.element.initial_value!;
    assert.match(fix, /lloom-cli shards verify --repair/, 'the fix is prefilled from the thread');
    assert.doesNotMatch(fix, /hunter2hunter2/, 'and redacted');

    mark = fake.calls.length;
    assert.equal(await fake.viewSubmission(events, { view, values: { title: 'Shard checksum mismatch after an upgrade', fix }, user: 'UBOB' }), 200);
    const saved = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'chat.postMessage' && c.body.thread_ts === ts);
    assert.match(text(saved), /Saved as a team note: Shard checksum mismatch after an upgrade/);

    const again = await pasteAndAnswer('2026-12-09T17:40:55Z ERROR lloom_executor::shards: shard checksum mismatch for llama-13b shard 7 on 10.0.0.9');
    assert.equal((again.call.body.blocks as Array<{ text?: { text: string } }>)[0]!.text!.text, 'Shard checksum mismatch after an upgrade (team)');
    assert.match(text(again.call), /lloom-cli shards verify --repair/);
    assert.match(text(again.call), new RegExp(`Team note, saved from https://example\\.slack\\.com/archives/CTROUBLE/p${ts.replace('.', '')} by UBOB`));
  });

  it('/medic <verb> runs the shared commands, with user-group permissions', async () => {
    let mark = fake.calls.length;
    assert.equal(await fake.slash(events, { channel: 'CTROUBLE', text: 'triage Error: Address already in use (os error 98)' }), 200);
    const answer = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'chat.postMessage');
    assert.equal((answer.body.blocks as Array<{ text?: { text: string } }>)[0]!.text!.text, "Kernel Won't Start (llmspell)");

    mark = fake.calls.length;
    await fake.slash(events, { channel: 'CTROUBLE', text: 'check lloom-exec-1' });
    const denied = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'chat.postEphemeral');
    assert.equal(denied.body.user, 'UALICE');
    assert.match(text(denied), /Only user groups SONCALL may use \/check/);

    mark = fake.calls.length;
    await fake.slash(events, { channel: 'CTROUBLE', text: 'check lloom-exec-1', user: 'UBOB' });
    const allowedReply = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'chat.postEphemeral');
    assert.doesNotMatch(text(allowedReply), /Only user groups/);
  });

  it('the "Triage with Medic" shortcut answers in the message thread', async () => {
    const mark = fake.calls.length;
    assert.equal(await fake.shortcut(events, { channel: 'CGENERAL', text: 'Warning  FailedMount  45s  kubelet  MountVolume.SetUp failed for volume "data"', messageTs: '1699999999.000100' }), 200);
    const answer = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'chat.postMessage');
    assert.equal(answer.body.thread_ts, '1699999999.000100');
    assert.equal((answer.body.blocks as Array<{ text?: { text: string } }>)[0]!.text!.text, 'FailedMount (hourglass)');
  });
});

describe('Slack in Socket Mode (real Bolt app, fake Slack WebSocket)', () => {
  const fake = new FakeSlack();
  let bot: Daemon;

  before(async () => {
    await fake.start();
    const env = { SLACK_BOT_TOKEN: 'xoxb-fake-token-for-tests', SLACK_APP_TOKEN: 'xapp-fake-app-token', SLACK_API_URL: fake.apiUrl, REDIS_URL: 'off', MEDIC_DATA_DIR: tempDir(), MEDIC_PORT: '0' };
    const built = await medic(['index'], { env });
    assert.equal(built.code, 0, built.stderr);
    bot = daemon(['serve'], env);
    await bot.waitFor(/Slack connected \(Socket Mode\)/);
  });

  after(async () => {
    await bot?.stop();
    await fake.stop();
  });

  it('receives events over the socket, acknowledges them, and answers in the thread', async () => {
    assert.ok(fake.socketConnected);
    const ts = fake.socketMessage({ channel: 'CTROUBLE', text: PASTE });
    const answer = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.thread_ts === ts);
    assert.equal((answer.body.blocks as Array<{ text?: { text: string } }>)[0]!.text!.text, 'Cannot connect to bootstrap peers (lloom)');
    assert.ok(fake.acks.includes(`env-${ts}`), 'the envelope was acknowledged');
  });

  it('stays connected past its first ping (Socket Mode needs undici 7 beside discord.js\'s undici 6)', async () => {
    await new Promise((r) => setTimeout(r, 6500));
    const ts = fake.socketMessage({ channel: 'CTROUBLE', text: PASTE });
    const answer = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.thread_ts === ts);
    assert.match(String(answer.body.text), /Cannot connect to bootstrap peers/);
    assert.doesNotMatch(bot.stderr(), /Failed to send ping/);
  });

  it('analyzes a file shared with a mention, downloading it with the bot token, and uploads the report to the thread', async () => {
    const dir = tempDir();
    const bundles = await makeBundles(dir);
    const ts = fake.socketFileShare({ channel: 'CTROUBLE', text: `<@${fake.botUserId}> please look`, name: 'llmspell-diagnose.zip', data: readFileSync(bundles.llmspell) });
    const ack = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.thread_ts === ts && /Analyzing llmspell-diagnose\.zip/.test(c.body.text));
    const report = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.thread_ts === ts && /Bundle llmspell-diagnose\.zip: \d+ failures/.test(c.body.text), 60_000);
    assert.ok(fake.calls.indexOf(report) > fake.calls.indexOf(ack));
    const blocks = JSON.stringify(report.body.blocks);
    assert.match(blocks, /Rate limit exceeded/);
    const done = await fake.waitFor((c) => c.method === 'chat.update' && /Done: \d+ findings/.test(c.body.text));
    assert.ok(done);
    const complete = await fake.waitFor((c) => c.method === 'files.completeUploadExternal');
    assert.equal(complete.body.thread_ts, ts);
    assert.match(JSON.stringify(complete.body.files), /llmspell-diagnose\.zip-report\.md/);
    assert.match(fake.uploaded.at(-1)!.content, /# Bundle report: llmspell-diagnose\.zip/);
    assert.deepEqual(fake.downloads.map((d) => d.authorization), ['Bearer xoxb-fake-token-for-tests']);
    for (const c of CANARIES) assert.ok(!JSON.stringify(fake.calls).includes(c) && !fake.uploaded.some((u) => u.content.includes(c)), `canary ${c} reached Slack`);
  });
});
