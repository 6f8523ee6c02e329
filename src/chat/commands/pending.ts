import type { Permission } from '../../config.js';
import type { ChatCommand, CommandOption } from './command.js';
import { notice } from '../reply.js';

/**
 * A command whose capability is still being built: it answers politely, after the same
 * permission check the real one will have, instead of failing.
 */
export function pending(name: string, description: string, options: CommandOption[], what: string, permission?: Permission): ChatCommand {
  return {
    name,
    description,
    options,
    ...(permission ? { permission } : {}),
    async run() {
      return { kind: 'reply', ephemeral: true, reply: notice(`/${name} is not available yet`, `${what} is not part of this version of Medic yet.`) };
    },
  };
}
