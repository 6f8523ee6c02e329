import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeDiscord, type RestCall } from './fakes/discord.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { daemon, type Daemon, medic, tempDir } from './helpers.js';
import { readFileSync } from 'node:fs';
import { CANARIES, makeBundles } from './fixtures/bundles.js';
import { startRedis, type TestRedis } from './redis.js';
import { Redis } from 'ioredis';
import { Outbox } from '../src/queue/outbox.js';
import { Queue } from 'bullmq';

const PASTE = 'ERROR lloom_core::network: Failed to dial bootstrap peer: Transport error\nWARN  lloom_core::network: No peers connected after 30 seconds';

interface Posted {
  content: string;
  allowed_mentions?: { parse: string[] };
  components?: Array<{ components: Array<{ custom_id: string; type: number; options?: Array<{ value: string }> }> }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const customIds = (b: Posted) => (b.components ?? []).flatMap((r) => r.components.map((c) => c.custom_id));

describe('Discord front door (real discord.js client, fake Discord)', () => {
  const fake = new FakeDiscord();
  let redis: TestRedis;
  let bot: Daemon;
  let checksWorker: Daemon;
  let env: Record<string, string>;

  /** Posts a message and returns the thread id and the bot's messages in it. */
  async function pasteAndAnswer(content: string, channel: 'troubleshooting' | 'hourglassHelp' = 'troubleshooting'): Promise<{ threadId: string; body: Posted }> {
    const id = fake.sendMessage({ channel, content });
    const created = await fake.waitFor((c) => c.method === 'POST' && c.path.endsWith(`/messages/${id}/threads`));
    const start = fake.calls.indexOf(created);
    const post = await fake.waitFor((c) => fake.calls.indexOf(c) > start && c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path));
    return { threadId: post.path.split('/')[2]!, body: post.body as Posted };
  }

  async function startBot(): Promise<Daemon> {
    const d = daemon(['serve'], env);
    await d.waitFor(/Discord connected/);
    return d;
  }

  before(async () => {
    await fake.start();
    redis = await startRedis();
    const config = join(tempDir(), 'medic.yaml');
    writeFileSync(
      config,
      `chat:\n  channels: [troubleshooting, { name: hourglass-help, system: hourglass }]\n  permissions:\n    check: { discordRoles: [oncall] }\n    learn: { discordRoles: [oncall] }\n  rateLimit: { perUserPerMinute: 20 }\n` +
        `bundles: { maxDownloadMB: 1 }\n` +
        `nodes:\n  - { name: lloom-lab, system: lloom, host: 127.0.0.1 }\n`,
    );
    env = {
      MEDIC_CONFIG: config,
      DISCORD_TOKEN: 'fake-token',
      DISCORD_API_URL: fake.apiUrl,
      REDIS_URL: redis.url,
      MEDIC_REDIS_PREFIX: redis.prefix,
      MEDIC_DATA_DIR: tempDir(),
      MEDIC_PORT: '0',
    };
    // Build the index before the bot starts, so startup stays quick.
    const built = await medic(['index'], { env });
    assert.equal(built.code, 0, built.stderr);
    bot = await startBot();
    checksWorker = daemon(['worker'], env);
    await checksWorker.waitFor(/worker consuming checks/);
  });

  after(async () => {
    await checksWorker?.stop();
    await bot?.stop();
    await fake.stop();
    await redis?.stop();
  });

  it('answers an error paste in #troubleshooting in a thread, naming the card, with its citation and buttons', async () => {
    const { body } = await pasteAndAnswer(PASTE);
    assert.match(body.content, /\*\*Cannot connect to bootstrap peers \(lloom\)\*\*/);
    assert.match(body.content, /Source: knowledge\/lloom\.md > .* \(lines 59-100\)/);
    assert.deepEqual(body.allowed_mentions, { parse: [] });
    const ids = customIds(body);
    assert.ok(ids.some((i) => /^medic:fixed:/.test(i)));
    assert.ok(ids.some((i) => /^medic:not-it:/.test(i)));
    assert.ok(ids.some((i) => /^medic:escalate:/.test(i)));
  });

  it('reads pastes in a channel tied to a system as that system\'s first', async () => {
    const generic = 'dial tcp 10.0.0.7:9000: connect: connection refused';
    const anywhere = await pasteAndAnswer(generic);
    assert.doesNotMatch(anywhere.body.content, /\(hourglass\)\*\*/);
    const tied = await pasteAndAnswer(generic.replace('10.0.0.7', '10.0.0.8'), 'hourglassHelp');
    assert.match(tied.body.content, /\*\*Connection refused \(hourglass\)\*\*/);
  });

  it('reads a follow-up in a thread in the light of what people said earlier in it', async () => {
    const opener = await pasteAndAnswer('Error from server (Forbidden): performers.hourglass.eigenlayer.xyz is forbidden: User "system:serviceaccount:avs:executor" cannot create resource "performers"');
    assert.match(opener.body.content, /\(hourglass\)\*\*/);
    const followUp = 'still failing after that: permission denied';
    // Each answer is awaited in its own thread: a thread started from a message has the message's id.
    const answerIn = async (channel: string): Promise<Posted> => {
      const mark = fake.calls.length;
      const id = fake.sendMessage({ channel, content: `<@${fake.bot.id}> ${followUp}`, mentionBot: true, userId: '5151' });
      const where = channel === opener.threadId ? opener.threadId : id;
      const post = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'POST' && c.path === `/channels/${where}/messages`);
      return post.body as Posted;
    };
    // Alone, the words name no system, and another guide's section comes first.
    assert.doesNotMatch((await answerIn('troubleshooting')).content, /\(hourglass\)\*\*/);
    const mark = fake.calls.length;
    const inThread = await answerIn(opener.threadId);
    assert.match(inThread.content, /\(hourglass\)\*\*/);
    // It read the thread through Discord's API: the message that started it and the ones since.
    assert.ok(fake.calls.slice(mark).some((c) => c.method === 'GET' && c.path === `/channels/${opener.threadId}/messages`));
  });

  it('stays silent on chatter, in other channels, and for other bots', async () => {
    const before = fake.calls.length;
    fake.sendMessage({ channel: 'troubleshooting', content: 'anyone around?' });
    fake.sendMessage({ channel: 'troubleshooting', content: 'thanks, that fixed it!' });
    fake.sendMessage({ channel: 'general', content: PASTE });
    fake.sendMessage({ channel: 'troubleshooting', content: PASTE, bot: true });
    await sleep(1500);
    const after = fake.calls.slice(before).filter((c: RestCall) => c.method !== 'GET');
    assert.deepEqual(after, []);
  });

  it('never pings: @everyone and user mentions from a paste are neutralised', async () => {
    const { body } = await pasteAndAnswer('@everyone <@123456789012345678> help!\nERROR lloom_executor: Model \'llama-3-8b\' not found in backend');
    assert.deepEqual(body.allowed_mentions, { parse: [] });
    assert.doesNotMatch(body.content, /(^|[^\u200b])@everyone/);
    assert.doesNotMatch(body.content, /<@\d/);
  });

  it('"Not it" offers the alternatives; picking one changes the next answer, across a restart', async () => {
    const { threadId, body } = await pasteAndAnswer(PASTE);
    const notIt = customIds(body).find((i) => i.startsWith('medic:not-it:'))!;
    fake.sendComponent({ channelId: threadId, customId: notIt });
    const menuCall = await fake.waitFor((c) => /\/callback$/.test(c.path) && JSON.stringify(c.body).includes('medic:pick:'));
    const menu = (menuCall.body as { data: Posted }).data;
    const select = menu.components![0]!.components[0]!;
    assert.equal(select.type, 3);
    const pick = select.options!.find((o) => o.value === 'lloom#problem-peers-disconnect-frequently');
    assert.ok(pick, 'the alternatives include the neighbouring card');

    const mark = fake.calls.length;
    fake.sendComponent({ channelId: threadId, customId: select.custom_id, values: [pick.value] });
    const picked = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && /\/callback$/.test(c.path));
    assert.match((picked.body as { data: Posted }).data.content, /^\*\*Peers disconnect frequently \(lloom\)\*\*/);
    assert.match(JSON.stringify(picked.body), /Recorded: for this error/);

    const again = await pasteAndAnswer(PASTE);
    assert.match(again.body.content, /^\*\*Peers disconnect frequently \(lloom\)\*\*/);

    await bot.stop();
    bot = await startBot();
    const afterRestart = await pasteAndAnswer(PASTE);
    assert.match(afterRestart.body.content, /^\*\*Peers disconnect frequently \(lloom\)\*\*/, 'feedback survives a restart with the same Redis');
  });

  it('"Not it", a fix typed in the thread, "Save this fix": the next paste of that error is answered from the team note', async () => {
    const first = '2026-12-07T09:14:02Z ERROR lloom_executor::shards: shard checksum mismatch for llama-13b shard 41 on 10.0.0.5';
    const { threadId, body } = await pasteAndAnswer(first);
    fake.sendComponent({ channelId: threadId, customId: customIds(body).find((i) => i.startsWith('medic:not-it:'))! });
    const picker = await fake.waitFor((c) => /\/callback$/.test(c.path) && JSON.stringify(c.body).includes('medic:save-fix:'));
    const save = ((picker.body as { data: Posted }).data.components ?? []).flatMap((r) => r.components).find((c) => c.custom_id.startsWith('medic:save-fix:'))!.custom_id;
    // The fix, as the person who found it wrote it in the thread (with a token they should not have pasted).
    fake.sendMessage({ channel: threadId, content: 'Got it: the shard cache was stale after the upgrade. `lloom-cli shards verify --repair` then restart the executor. token ghp_abcdefghijklmnopqrstuvwxyz0123456789', userId: '4242' });
    await sleep(300);

    // Saving needs the learn permission.
    let mark = fake.calls.length;
    fake.sendComponent({ channelId: threadId, customId: save });
    const refused = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && /\/callback$/.test(c.path));
    assert.match(JSON.stringify(refused.body), /Not allowed.*save fixes as team notes/);

    mark = fake.calls.length;
    fake.sendComponent({ channelId: threadId, customId: save, roles: [fake.roles.oncall.id] });
    const shown = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && /\/callback$/.test(c.path));
    const modal = shown.body as { type: number; data: { custom_id: string; components: Array<{ components: Array<{ custom_id: string; value?: string }> }> } };
    assert.equal(modal.type, 9, 'a modal');
    const prefilled = Object.fromEntries(modal.data.components.map((r) => [r.components[0]!.custom_id, r.components[0]!.value ?? '']));
    assert.match(prefilled.fix!, /lloom-cli shards verify --repair/, 'the fix is prefilled from the thread');
    assert.doesNotMatch(prefilled.fix!, /ghp_abcdefghij/, 'and redacted');

    mark = fake.calls.length;
    fake.sendModalSubmit({ channelId: threadId, customId: modal.data.custom_id, fields: { title: 'Shard checksum mismatch after an upgrade', fix: prefilled.fix! }, roles: [fake.roles.oncall.id] });
    const saved = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && /\/callback$/.test(c.path));
    assert.match(JSON.stringify(saved.body), /Saved as a team note: Shard checksum mismatch after an upgrade/);

    // The same error, another node and day.
    const again = await pasteAndAnswer('2026-12-09T17:40:55Z ERROR lloom_executor::shards: shard checksum mismatch for llama-13b shard 7 on 10.0.0.9');
    assert.match(again.body.content, /^\*\*Shard checksum mismatch after an upgrade \(team\)\*\*/);
    assert.match(again.body.content, /lloom-cli shards verify --repair/);
    assert.match(again.body.content, new RegExp(`Team note, saved from https://discord\\.com/channels/\\d+/${threadId} by alice`));
  });

  it('"Fixed it" is acknowledged to the presser only', async () => {
    const { threadId, body } = await pasteAndAnswer('ERROR lloom_executor::llm_client: Failed to connect to LMStudio: Connection refused');
    const fixed = customIds(body).find((i) => i.startsWith('medic:fixed:'))!;
    fake.sendComponent({ channelId: threadId, customId: fixed });
    const ack = await fake.waitFor((c) => /\/callback$/.test(c.path) && JSON.stringify(c.body).includes('fixed it'));
    assert.equal((ack.body as { data: { flags: number } }).data.flags & 64, 64);
  });

  it('posts a reply put on the outbox queue into the right thread', async () => {
    const { threadId } = await pasteAndAnswer('ERROR lloom_client: Request timeout after 120 seconds');
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const outbox = new Outbox(conn, redis.prefix);
    const mark = fake.calls.length;
    await outbox.put({
      target: { platform: 'discord', channelId: fake.channels.troubleshooting.id, threadId },
      reply: { title: 'Check results for lloom-exec-1', summary: '3 passed, 1 failed', sections: [], citations: [], actions: [], attachments: [], notes: [] },
    });
    const posted = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'POST' && c.path === `/channels/${threadId}/messages`);
    assert.match((posted.body as Posted).content, /^\*\*Check results for lloom-exec-1\*\*\n3 passed, 1 failed/);
    await outbox.close();
    conn.disconnect();
  });

  it('an outbox reply posted again (its bot died after posting) is not doubled: each message carries an enforced nonce', async () => {
    const { threadId } = await pasteAndAnswer('ERROR lloom_client: Request timeout after 120 seconds');
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const outbox = new Outbox(conn, redis.prefix);
    const mark = fake.calls.length;
    const job = { target: { platform: 'discord' as const, channelId: fake.channels.troubleshooting.id, threadId }, reply: { title: 'Checks on lloom-exec-1: all passed', summary: '1 checks.', sections: [], citations: [], actions: [], attachments: [], notes: [] } };
    await outbox.put(job, 'checks-901-0');
    const first = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'POST' && c.path === `/channels/${threadId}/messages`);
    const body = first.body as { nonce: string; enforce_nonce: boolean };
    assert.equal(body.enforce_nonce, true);
    assert.ok(body.nonce.length > 0 && body.nonce.length <= 25, `nonce ${body.nonce}`);
    // Handed out again, as BullMQ does with a job whose bot died before marking it done.
    const done = new Queue('outbox', { connection: { url: redis.url }, prefix: `${redis.prefix}bull` });
    for (let i = 0; i < 50 && !(await (await done.getJob('checks-901-0'))?.isCompleted()); i++) await sleep(100);
    await (await done.getJob('checks-901-0'))!.remove();
    await done.close();
    await outbox.put(job, 'checks-901-0');
    await sleep(1500);
    const posts = fake.calls.slice(mark).filter((c) => c.method === 'POST' && c.path === `/channels/${threadId}/messages`);
    assert.equal(posts.length, 1, 'Discord kept the first message: the nonce was the same');
    await outbox.close();
    conn.disconnect();
  });

  it('/triage answers in the channel; /check is refused politely to a member without the role', async () => {
    let mark = fake.calls.length;
    fake.sendSlash({ channelId: fake.channels.troubleshooting.id, name: 'triage', options: { text: 'Error: Address already in use (os error 98)' } });
    const answer = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && /\/callback$/.test(c.path));
    assert.match((answer.body as { data: Posted }).data.content, /^\*\*Kernel Won't Start \(llmspell\)\*\*/);

    mark = fake.calls.length;
    fake.sendSlash({ channelId: fake.channels.troubleshooting.id, name: 'check', options: { node: 'lloom-exec-1' } });
    const denied = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && /\/callback$/.test(c.path));
    const data = (denied.body as { data: Posted & { flags: number } }).data;
    assert.match(data.content, /Not allowed[\s\S]*members with the role oncall/);
    assert.equal(data.flags & 64, 64);

    mark = fake.calls.length;
    fake.sendSlash({ channelId: fake.channels.troubleshooting.id, name: 'check', options: { node: 'lloom-exec-1' }, roles: [fake.roles.oncall.id] });
    const allowedReply = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && /\/callback$/.test(c.path));
    assert.doesNotMatch((allowedReply.body as { data: Posted }).data.content, /Not allowed/);
  });

  it('rate limits triage per user with one polite message', async () => {
    const mark = fake.calls.length;
    for (let i = 0; i < 22; i++) fake.sendMessage({ channel: 'troubleshooting', content: `ERROR lloom_client: Request timeout after ${100 + i} seconds`, userId: '777' });
    await sleep(3000);
    const posts = fake.calls.slice(mark).filter((c) => c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path)).map((c) => (c.body as Posted).content);
    assert.equal(posts.filter((p) => p.startsWith("**Requests timing out")).length, 20);
    assert.equal(posts.filter((p) => p.startsWith('**Slow down a little**')).length, 1);
  });

  it('splits a long reply under 2,000 characters per message and keeps code blocks whole', async () => {
    const { threadId } = await pasteAndAnswer('WARN  lloom_executor: No CUDA devices found, falling back to CPU');
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const outbox = new Outbox(conn, redis.prefix);
    const code = Array.from({ length: 40 }, (_, i) => `echo "line ${i} of a long diagnostic script that goes on"`).join('\n');
    const mark = fake.calls.length;
    await outbox.put({
      target: { platform: 'discord', channelId: fake.channels.troubleshooting.id, threadId },
      reply: { title: 'Long', summary: 'x'.repeat(1500), sections: [{ heading: 'Script', blocks: [{ type: 'code', lang: 'bash', text: code }] }], citations: [], actions: [], attachments: [], notes: [] },
    });
    await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'POST' && c.path === `/channels/${threadId}/messages` && (c.body as Posted).content.includes('line 39'));
    const parts = fake.calls.slice(mark).filter((c) => c.method === 'POST' && c.path === `/channels/${threadId}/messages`).map((c) => (c.body as Posted).content);
    assert.ok(parts.length >= 2);
    for (const p of parts) {
      assert.ok(p.length <= 2000, `message of ${p.length} characters`);
      assert.equal((p.match(/```/g) ?? []).length % 2, 0, 'every code fence is closed in its message');
    }
    await outbox.close();
    conn.disconnect();
  });

  it('a mention forces an answer, and says honestly when no guide matches', async () => {
    const mark = fake.calls.length;
    fake.sendMessage({ channel: 'general', content: `<@${fake.bot.id}> fatal: not a git repository (or any of the parent directories): .git`, mentionBot: true });
    const post = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path));
    assert.match((post.body as Posted).content, /^\*\*No guide section matches this paste\*\*/);
    // No section: escalate it, or keep the fix someone finds in the thread.
    assert.deepEqual(customIds(post.body as Posted).map((i) => i.split(':')[1]), ['escalate', 'save-fix']);
  });

  it('Escalate runs as a queue job and tells the thread where the issue is (a local file without GITHUB_TOKEN)', async () => {
    const { threadId, body } = await pasteAndAnswer('ERROR llmspell_providers::openai: Error: Rate limit exceeded. Please retry after 20 seconds');
    const escalate = customIds(body).find((i) => i.startsWith('medic:escalate:'))!;
    const mark = fake.calls.length;
    fake.sendComponent({ channelId: threadId, customId: escalate, roles: [fake.roles.oncall.id] });
    const told = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'POST' && c.path === `/channels/${threadId}/messages` && /Escalated to a local file/.test((c.body as Posted).content), 30_000);
    const path = /written to (\S+\.md)/.exec((told.body as Posted).content)![1]!;
    const md = readFileSync(path, 'utf8');
    assert.match(md, /## Debug Output/);
    assert.match(md, new RegExp(`\\[The chat thread\\]\\(https://discord\\.com/channels/${fake.guildId}/${threadId}\\)`));
  });

  it('"Triage with Medic" works on any message', async () => {
    const mark = fake.calls.length;
    fake.sendMessageAction({ channelId: fake.channels.general.id, name: 'Triage with Medic', content: 'Warning  FailedMount  45s  kubelet  MountVolume.SetUp failed for volume "data"' });
    const answer = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && /\/callback$/.test(c.path));
    assert.match((answer.body as { data: Posted }).data.content, /^\*\*FailedMount \(hourglass\)\*\*/);
  });

  it('medic register-commands registers the slash commands and the message action', async () => {
    const r = await medic(['register-commands', '--application', fake.appId, '--guild', fake.guildId], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /registered 7 commands in guild/);
    const put = await fake.waitFor((c) => c.method === 'PUT' && c.path === `/applications/${fake.appId}/guilds/${fake.guildId}/commands`);
    const names = (put.body as Array<{ name: string; type: number }>).map((c) => `${c.name}/${c.type}`);
    assert.deepEqual(names, ['triage/1', 'analyze/1', 'check/1', 'nodes/1', 'digest/1', 'escalate/1', 'Triage with Medic/3']);
  });

  it('"Run suggested checks" lets an oncall member pick a node; a worker posts the results in the thread', async () => {
    const { threadId, body } = await pasteAndAnswer("ERROR lloom_executor: Model 'llama-2-13b' not found in backend");
    const run = customIds(body).find((i) => i.startsWith('medic:run-checks:'));
    assert.ok(run, 'the answer offers suggested checks');

    let mark = fake.calls.length;
    fake.sendComponent({ channelId: threadId, customId: run });
    const denied = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && /\/callback$/.test(c.path));
    assert.match((denied.body as { data: Posted }).data.content, /Not allowed/);

    mark = fake.calls.length;
    fake.sendComponent({ channelId: threadId, customId: run, roles: [fake.roles.oncall.id] });
    const menu = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && /\/callback$/.test(c.path));
    const select = (menu.body as { data: Posted }).data.components![0]!.components[0]!;
    assert.deepEqual(select.options!.map((o) => o.value), ['lloom-lab']);

    mark = fake.calls.length;
    fake.sendComponent({ channelId: threadId, customId: select.custom_id, values: ['http://169.254.169.254'], roles: [fake.roles.oncall.id] });
    const refused = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && /\/callback$/.test(c.path));
    assert.match((refused.body as { data: Posted }).data.content, /Unknown node/);

    mark = fake.calls.length;
    fake.sendComponent({ channelId: threadId, customId: select.custom_id, values: ['lloom-lab'], roles: [fake.roles.oncall.id] });
    const results = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && c.method === 'POST' && c.path === `/channels/${threadId}/messages`, 20_000);
    assert.match((results.body as Posted).content, /^\*\*Checks on lloom-lab: /);
    assert.match((results.body as Posted).content, /models-1234 +models/);
  });

  it('/check refuses anything but a registered node name', async () => {
    const mark = fake.calls.length;
    fake.sendSlash({ channelId: fake.channels.troubleshooting.id, name: 'check', options: { node: 'http://169.254.169.254/latest/meta-data' }, roles: [fake.roles.oncall.id] });
    const r = await fake.waitFor((c) => fake.calls.indexOf(c) >= mark && /\/callback$/.test(c.path));
    assert.match((r.body as { data: Posted }).data.content, /Unknown node[\s\S]*lloom-lab/);
  });

  it('serves /health and /metrics', async () => {
    const port = Number(/on port (\d+)/.exec(bot.stderr())![1]);
    const health = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.json());
    assert.deepEqual(health, { status: 'ok', store: 'redis', discord: 'ready', slack: 'off' });
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
    assert.match(metrics, /medic_triage_total\{platform="discord",outcome="answer"\} \d+/);
  });

  it('analyzes a bundle uploaded with a mention: a thread, progress by edits, then the report with its Markdown attached', async () => {
    const dir = tempDir();
    const bundles = await makeBundles(dir);
    const id = fake.sendMessage({ channel: 'troubleshooting', content: `<@${fake.bot.id}> here is the diagnose output`, mentionBot: true, attachments: [{ filename: 'diagnostic-bundle.tar.gz', data: readFileSync(bundles.lloom) }] });
    const created = await fake.waitFor((c) => c.method === 'POST' && c.path.endsWith(`/messages/${id}/threads`));
    assert.equal((created.body as { name: string }).name, 'Bundle diagnostic-bundle.tar.gz');
    const start = fake.calls.indexOf(created);
    const ack = await fake.waitFor((c) => fake.calls.indexOf(c) > start && c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path));
    assert.match((ack.body as Posted).content, /Analyzing diagnostic-bundle\.tar\.gz/);
    const threadId = ack.path.split('/')[2]!;
    const report = await fake.waitFor((c) => c.method === 'POST' && c.path === `/channels/${threadId}/messages` && c.files.length > 0, 90_000);
    // The summary may take more than one message; the file comes with the last.
    const posts = fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${threadId}/messages` && fake.calls.indexOf(c) > fake.calls.indexOf(ack));
    const text = posts.map((c) => (c.body as Posted).content).join('\n');
    assert.match(text, /^\*\*Bundle diagnostic-bundle\.tar\.gz: \d+ failures/);
    assert.match(text, /LMStudio connection failed/);
    for (const p of posts) assert.deepEqual((p.body as Posted).allowed_mentions, { parse: [] });
    assert.equal(report.files[0]!.name, 'diagnostic-bundle.tar.gz-report.md');
    assert.match(report.files[0]!.content, /^# Bundle report: diagnostic-bundle\.tar\.gz/);
    const edits = fake.calls.filter((c) => c.method === 'PATCH' && c.path.startsWith(`/channels/${threadId}/messages/`));
    assert.ok(edits.length >= 1, 'progress was never shown');
    const done = await fake.waitFor((c) => c.method === 'PATCH' && c.path.startsWith(`/channels/${threadId}/messages/`) && /Done: \d+ findings/.test((c.body as Posted).content));
    assert.ok(done);
    assert.equal(fake.downloads.length, 1, 'downloaded once, from the platform host');
    for (const c of CANARIES) assert.ok(!JSON.stringify(fake.calls.map((x) => [x.body, x.files])).includes(c), `canary ${c} reached Discord`);
  });

  it('refuses an upload over bundles.maxDownloadMB before downloading it', async () => {
    const before = fake.downloads.length;
    fake.sendSlashWithFile({ channelId: fake.channels.troubleshooting.id, name: 'analyze', option: 'bundle', upload: { filename: 'huge.tar.gz', data: Buffer.from('x'), size: 5 * 1024 * 1024 } });
    const answer = await fake.waitFor((c) => c.method === 'PATCH' && /\/messages\/@original$/.test(c.path) && /huge\.tar\.gz/.test((c.body as Posted).content ?? ''));
    assert.match((answer.body as Posted).content, /over the 1 MB limit for uploads \(bundles\.maxDownloadMB\)/);
    assert.equal(fake.downloads.length, before);
  });
});
