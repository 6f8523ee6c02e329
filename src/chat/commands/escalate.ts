import type { ChatCommand } from './command.js';
import { notice } from '../../reply/reply.js';

/** Opens a tracker issue for an error, or comments on the one that already tracks it. */
export const escalate: ChatCommand = {
  name: 'escalate',
  description: 'Open (or update) a GitHub issue for an error',
  options: [{ name: 'text', description: 'The error text', type: 'string', required: true }],
  permission: 'escalate',
  async run(ctx, args) {
    const text = args.text?.trim();
    if (!text) return { kind: 'reply', ephemeral: true, reply: notice('What should I escalate?', "Press Escalate on Medic's answer, or give the error text: /escalate TEXT.") };
    return ctx.escalate(text);
  },
};
