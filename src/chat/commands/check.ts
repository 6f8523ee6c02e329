import type { ChatCommand } from './command.js';
import { notice } from '../../reply/reply.js';

/** Runs a registered node's checks. People name a node (and a check), never a URL or host. */
export const check: ChatCommand = {
  name: 'check',
  description: 'Run the checks of a registered node',
  options: [
    { name: 'node', description: 'Node name', type: 'string', required: true },
    { name: 'check', description: 'Only this check', type: 'string', required: false },
  ],
  permission: 'check',
  async run(ctx, args) {
    const [nodeName, checkName] = (args.node ?? '').trim().split(/\s+/);
    const node = ctx.cfg.nodes.find((n) => n.name === nodeName);
    const known = ctx.cfg.nodes.map((n) => n.name).join(', ') || 'none registered';
    if (!node) return { kind: 'reply', ephemeral: true, reply: notice('Unknown node', `Name a registered node: ${known}.`) };
    const only = args.check ?? checkName;
    const done = await ctx.jobs.run('checks', { node: node.name, ...(only ? { checks: [only] } : {}), replyTo: { platform: ctx.platform, channelId: ctx.channelId, threadId: ctx.threadId } });
    if (done?.reply) return { kind: 'reply', ephemeral: false, reply: done.reply };
    return { kind: 'reply', ephemeral: true, reply: notice(`Running the checks on ${node.name}`, 'The results will be posted here.') };
  },
};
