import { notice } from '../../reply/reply.js';
import { reply } from '../inbound.js';
import type { ChatAction } from './action.js';
import { alertOf } from './alert-of.js';

/** "Run checks again" on an alert: the node's own checks; the first message shows them when they are back. */
export const recheck: ChatAction = {
  id: 'recheck',
  permission: { name: 'check', doing: 'run checks' },
  async run({ svc, answer }) {
    const found = await alertOf(svc, answer);
    if ('expired' in found) return found.expired;
    const g = found.group;
    if (!g.node) return reply(notice('No node to check', `${g.how}.`), true);
    await svc.alerts.runChecks(g.key, g.node);
    return reply(notice(`Running the checks of ${g.node} again`, 'The first message of this thread shows them when they are back.'), true);
  },
};
