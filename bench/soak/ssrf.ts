import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, type Scenario } from './scenario.js';
import { CANARY_HOST, sleep, until, type Stack } from './stack.js';

/**
 * Every way a chat user might make Medic fetch a URL of their choosing: /check naming a URL, a
 * registered node whose health URL redirects elsewhere, URLs in pastes and in a bundle, an
 * attachment hosted off Discord. The canary host must see no connection.
 */
export const ssrf: Scenario = {
  name: 'SSRF',
  async run(stack: Stack) {
    await stack.ensureBot({ llm: false });
    await stack.ensureWorker();
    const discord = stack.discord;
    const canary = `http://${CANARY_HOST}:${stack.canaryPort}`;
    const before = stack.canaryContacts;
    const mark = discord.calls.length;
    const channel = discord.channels.troubleshooting.id;
    const tried: string[] = [];
    // /check with a URL, a host:port and a host for a node.
    for (const node of [`${canary}/latest/meta-data/`, `${CANARY_HOST}:${stack.canaryPort}`, CANARY_HOST]) {
      discord.sendSlash({ channelId: channel, name: 'check', options: { node }, roles: [discord.roles.oncall.id] });
      tried.push(`/check node:${node}`);
    }
    // The registered node that redirects to the canary.
    discord.sendSlash({ channelId: channel, name: 'check', options: { node: 'soak-moved' }, roles: [discord.roles.oncall.id] });
    tried.push('/check of a node whose health URL redirects to the canary');
    // URLs in pastes, plain and mentioning the bot.
    for (const content of [`Error: failed to fetch ${canary}/config.json: connection refused`, `<@${discord.bot.id}> please check ${canary}/health and tell me Error: Address already in use (os error 98)`]) {
      discord.sendMessage({ channel: 'troubleshooting', content, mentionBot: content.startsWith('<@'), userId: 'ssrf' });
    }
    tried.push('URLs in pastes');
    // A bundle whose logs and config point at the canary.
    const bundle = join(stack.dir, 'ssrf-bundle.log.gz');
    writeFileSync(bundle, gzipSync(Buffer.from(`2026-12-07T10:00:00Z ERROR fetch ${canary}/metrics failed: connection refused\nendpoint = "${canary}/v1"\n`)));
    const withBundle = discord.sendMessage({ channel: 'troubleshooting', content: 'logs', mentionBot: true, userId: 'ssrf-bundle', attachments: [{ filename: 'ssrf.log.gz', data: (await import('node:fs')).readFileSync(bundle) }] });
    tried.push('URLs in a bundle');
    // An upload whose URL is not on Discord's file host.
    const forged = discord.sendMessage({ channel: 'troubleshooting', content: 'bundle', mentionBot: true, userId: 'ssrf-forged', links: [{ filename: 'bundle.tar.gz', url: `${canary}/bundle.tar.gz`, size: 1000 }] });
    tried.push('an attachment URL off Discord');
    await until(() => [withBundle, forged].every((id) => discord.calls.some((c) => c.method === 'POST' && c.path === `/channels/${id}/messages`)), 30_000);
    // Checks run on a worker: give the redirecting node's job time to run.
    await until(() => discord.calls.slice(mark).some((c) => JSON.stringify(c.body).includes('soak-moved')), 20_000);
    await sleep(2000);
    const contacts = stack.canaryContacts - before;
    const movedReply = discord.calls.slice(mark).find((c) => JSON.stringify(c.body).includes('Checks on soak-moved'));
    const missed: string[] = [];
    expect(missed, contacts === 0, `connections to the canary ${contacts}, target 0`);
    return { figures: { tried, canaryContacts: contacts, redirectRefused: Boolean(movedReply && /redirect to another host/.test(JSON.stringify(movedReply.body))) }, missed };
  },
};
