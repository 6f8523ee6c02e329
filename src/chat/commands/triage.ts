import type { ChatCommand } from './command.js';
import { notice } from '../../reply/reply.js';

export const triage: ChatCommand = {
  name: 'triage',
  description: 'Match an error to the guide section that fixes it',
  options: [{ name: 'text', description: 'The error or log lines', type: 'string', required: true }],
  async run(ctx, args) {
    const text = args.text?.trim();
    if (!text) return { kind: 'reply', ephemeral: true, reply: notice('Nothing to triage', 'Paste the error text after /triage.') };
    return ctx.triage(text);
  },
};
