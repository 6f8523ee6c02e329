import type { ChatCommand } from './command.js';
import { notice } from '../../reply/reply.js';
import { nodeStatus } from '../../checks/run.js';

export const nodes: ChatCommand = {
  name: 'nodes',
  description: 'List registered nodes and their last status',
  options: [],
  async run(ctx) {
    if (ctx.cfg.nodes.length === 0) return { kind: 'reply', ephemeral: true, reply: notice('No nodes registered', 'Declare nodes under "nodes:" in medic.yaml.') };
    const lines: string[] = [];
    for (const n of ctx.cfg.nodes) {
      const last = await ctx.store.checkHistory(n.name, 1);
      const status = last.length === 0 ? 'not checked yet' : nodeStatus(last);
      lines.push(`${n.name}  ${n.system}  ${status}${last[0] ? `  (${last[0].at})` : ''}`);
    }
    return { kind: 'reply', ephemeral: false, reply: { ...notice(`${ctx.cfg.nodes.length} nodes`, ''), sections: [{ heading: 'Nodes', blocks: [{ type: 'code', lang: '', text: lines.join('\n') }] }] } };
  },
};
