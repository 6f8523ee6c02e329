import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { makeBundles, CANARIES as BUNDLE_CANARIES } from '../../test/fixtures/bundles.js';
import { expect, type Scenario } from './scenario.js';
import { sleep, until, WEBHOOK_TOKEN, type Stack } from './stack.js';

/** One of each kind of secret people paste by mistake. */
const CANARIES = {
  aws: 'AKIASOAKCANARY7Q2XZ4',
  github: 'ghp_SoakCanary0123456789abcdefABCDEFGHij',
  slack: 'xoxb-2222-3333-SoakCanarySlackToken',
  openai: 'sk-proj-SoakCanary0123456789abcdefghijklmnopqrstu',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzb2FrY2FuYXJ5In0.SoakCanarySignature_0123456789',
  pem: 'MIIEpQIBAAKCAQEAsoakcanarypemkeybody0123456789',
  postgres: 'SoakCanaryDbPass',
  password: 'SoakCanaryPassw0rd!',
};

function pasteWithSecrets(): string {
  return [
    'Error: Address already in use (os error 98)',
    `AWS_ACCESS_KEY_ID=${CANARIES.aws}`,
    `GITHUB_TOKEN=${CANARIES.github}`,
    `SLACK_BOT_TOKEN=${CANARIES.slack}`,
    `OPENAI_API_KEY=${CANARIES.openai}`,
    `Authorization: Bearer ${CANARIES.jwt}`,
    '-----BEGIN RSA PRIVATE KEY-----',
    CANARIES.pem,
    '-----END RSA PRIVATE KEY-----',
    `DATABASE_URL=postgres://medic:${CANARIES.postgres}@db.internal:5432/medic`,
    `password=${CANARIES.password}`,
  ].join('\n');
}

/**
 * Secrets in pastes (Discord and Slack, with the model on), in bundles and in alert bodies;
 * then the threads escalated to GitHub. No secret may appear in a chat message, an issue, a
 * request to the model, or Medic's own logs.
 */
export const canaries: Scenario = {
  name: 'canaries',
  async run(stack: Stack) {
    await stack.ensureBot({ llm: true });
    await stack.ensureWorker();
    const discord = stack.discord;
    const slack = stack.slack;
    // The model repeats what it was sent, so a secret that reached it would come back.
    stack.openai.fallback = (_prompt, raw) => ({ content: JSON.stringify({ cards: [], summary: raw.slice(0, 2000), steps: [], commands: [], confidence: 0.5, question: null }) });
    const dMark = discord.calls.length;
    const sMark = slack.calls.length;
    const oMark = stack.openai.requests.length;
    const gMark = stack.github.calls.length;
    const logMark = stack.output.length;
    try {
      const paste = pasteWithSecrets();
      const msg = discord.sendMessage({ channel: 'troubleshooting', content: paste, mentionBot: true, userId: 'canary-1' });
      await until(() => discord.calls.some((c) => c.method === 'POST' && c.path === `/channels/${msg}/messages`), 30_000);
      await slack.message(stack.eventsUrl, { channel: 'CTROUBLE', text: `<@${slack.botUserId}> ${paste}`, user: 'UCANARY' });
      await until(() => slack.calls.slice(sMark).some((c) => c.method === 'chat.postMessage'), 30_000);
      // Escalate the Discord answer: its issue body is built from the paste.
      const answerId = discord.calls
        // With the model on, the answer streams into its first message: the buttons come with the last edit.
        .filter((c) => c.path.startsWith(`/channels/${msg}/messages`))
        .map((c) => /medic:escalate:([\w-]+)/.exec(JSON.stringify(c.body))?.[1])
        .find(Boolean);
      if (answerId) {
        discord.sendComponent({ channelId: msg, customId: `medic:escalate:${answerId}`, roles: [discord.roles.oncall.id] });
        await until(() => stack.github.calls.length > gMark, 30_000);
      }
      // Bundles with secrets planted in configs, env files and logs.
      const bundles = Object.values(await makeBundles(join(stack.dir, 'canary-bundles')));
      const ids = bundles.slice(0, 2).map((p) => discord.sendMessage({ channel: 'troubleshooting', content: 'bundle', mentionBot: true, userId: `canary-${basename(p)}`, attachments: [{ filename: basename(p), data: readFileSync(p) }] }));
      await until(() => ids.every((id) => discord.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${id}/messages`).length >= 2), 60_000);
      // An alert whose annotations carry the secrets.
      const alert = await fetch(`http://127.0.0.1:${stack.botPort}/webhooks/generic`, {
        method: 'POST',
        headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Canary alert', text: paste, labels: { instance: '10.9.9.9:9100' } }),
      });
      await until(() => discord.calls.slice(dMark).some((c) => JSON.stringify(c.body).includes('Canary alert')), 30_000);
      await sleep(2000);
      const secrets = [...Object.values(CANARIES), ...BUNDLE_CANARIES];
      const count = (texts: string[]) => secrets.reduce((n, s) => n + texts.filter((t) => t.includes(s)).length, 0);
      const leaks = {
        chatMessages: count([...discord.calls.slice(dMark).map((c) => JSON.stringify(c.body) + c.files.map((f) => f.content).join('')), ...slack.calls.slice(sMark).map((c) => JSON.stringify(c.body)), ...slack.uploaded.map((u) => u.content)]),
        githubBodies: count(stack.github.calls.slice(gMark).map((c) => JSON.stringify(c.body))),
        llmRequests: count(stack.openai.requests.slice(oMark).map((r) => r.raw)),
        medicLogs: count(stack.output.slice(logMark)),
      };
      const reached = {
        discordReplies: discord.calls.slice(dMark).filter((c) => c.method === 'POST').length,
        slackReplies: slack.calls.slice(sMark).filter((c) => c.method === 'chat.postMessage').length,
        githubIssues: stack.github.calls.slice(gMark).filter((c) => c.method === 'POST').length,
        llmRequests: stack.openai.requests.length - oMark,
        alertStatus: alert.status,
      };
      const missed: string[] = [];
      for (const [where, n] of Object.entries(leaks)) expect(missed, n === 0, `secrets in ${where}: ${n}, target 0`);
      // A leak count of 0 means something only if each path was taken.
      expect(missed, reached.githubIssues > 0 && reached.llmRequests > 0 && reached.alertStatus === 202 && reached.slackReplies > 0, `not every path was taken: ${JSON.stringify(reached)}`);
      return { figures: { secrets: secrets.length, leaks, reached }, missed };
    } finally {
      stack.openai.fallback = () => ({ content: '{}' });
    }
  },
};
