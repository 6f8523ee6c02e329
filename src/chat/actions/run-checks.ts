import { checkSuggestions } from '../../checks/job-specs.js';
import { notice } from '../../reply/reply.js';
import { reply } from '../inbound.js';
import type { ChatAction } from './action.js';

/** "Run suggested checks": the checks the section suggests, on a registered node the presser picks. */
export const runChecks: ChatAction = {
  id: 'run-checks',
  permission: { name: 'check', doing: 'run checks' },
  async run({ svc, origin, answer, answerId, title }, value) {
    if (!answer.cardId) return reply(notice('Nothing to check', 'This answer named no guide section.'), true);
    const { nodes } = checkSuggestions(svc.cfg, answer.cardId, (id) => svc.engine.card(id));
    if (!value) {
      if (!nodes.length) return reply(notice('No node to check', 'No registered node of this system can run these checks.'), true);
      const options = nodes.map((n) => ({ label: n.name, value: n.name, description: `${n.system} ${n.host}`.slice(0, 100) }));
      return reply({ ...notice('Run the suggested checks on which node?', `The checks come from "${title(answer.cardId)}".`), choices: { id: 'run-checks', placeholder: 'Pick a node', options } }, true, answerId);
    }
    // The node must be one offered for this card: a chat user picks, never names a host.
    if (!nodes.some((n) => n.name === value)) return reply(notice('Unknown node', 'Pick one of the listed nodes.'), true);
    const target = { platform: origin.platform, channelId: origin.channelId, threadId: origin.threadId };
    const done = await svc.jobs.run('checks', { node: value, card: answer.cardId, replyTo: target });
    return done?.reply ? reply(done.reply, false) : reply(notice(`Running the suggested checks on ${value}`, 'The results will be posted in this thread.'), true);
  },
};
