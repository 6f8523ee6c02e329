import type { ChatCommand } from './command.js';

/** Runs every registered node's checks and posts the health digest in this channel. */
export const digest: ChatCommand = {
  name: 'digest',
  description: 'Post the health digest now',
  options: [],
  permission: 'digest',
  async run(ctx) {
    return ctx.digest();
  },
};
