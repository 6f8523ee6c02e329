import { notice } from '../../reply/reply.js';
import { reply } from '../inbound.js';
import type { ChatAction } from './action.js';
import { alertOf } from './alert-of.js';

/** "Collect diagnostics" on an alert: the node's collectors over SSH; the bundle's report lands in the alert's thread. */
export const collect: ChatAction = {
  id: 'collect',
  permission: { name: 'collect', doing: 'collect diagnostics' },
  async run({ svc, answer, origin }) {
    const found = await alertOf(svc, answer);
    if ('expired' in found) return found.expired;
    const g = found.group;
    const node = svc.cfg.nodes.find((n) => n.name === g.node);
    if (!node?.ssh) return reply(notice('Nothing to collect from', g.node ? `Node ${g.node} has no ssh: block in medic.yaml.` : `${g.how}.`), true);
    const thread = g.threads.find((t) => t.platform === origin.platform);
    const target = thread ? { platform: thread.platform, channelId: thread.channelId, threadId: thread.threadId } : { platform: origin.platform, channelId: origin.channelId, threadId: origin.threadId };
    const done = await svc.jobs.run('collect', { node: node.name, replyTo: target, userId: origin.user.id });
    if (done?.reply) return reply(done.reply, false, done.answerId);
    return reply(notice(`Collecting diagnostics from ${node.name}`, `Up to ${svc.cfg.collect.budgetSeconds} s; the report will be posted in this alert's thread.`), true);
  },
};
