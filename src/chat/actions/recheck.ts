import { notice } from '../../reply/reply.js';
import { reply } from '../inbound.js';
import type { ChatAction } from './action.js';

/** "Run checks again" on an alert: the node's own checks; the first message shows them when they are back. */
export const recheck: ChatAction = {
  id: 'recheck',
  permission: { name: 'check', doing: 'run checks' },
  async run({ svc, answer }) {
    const g = answer.alert ? await svc.store.getAlertGroup(answer.alert) : null;
    if (!g) return reply(notice('That alert has expired', 'Medic no longer keeps this alert; its next notification opens a new thread.'), true);
    if (!g.node) return reply(notice('No node to check', `${g.how}.`), true);
    await svc.alerts.runChecks(g.key, g.node);
    return reply(notice(`Running the checks of ${g.node} again`, 'The first message of this thread shows them when they are back.'), true);
  },
};
