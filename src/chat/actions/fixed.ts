import { notice } from '../../reply/reply.js';
import { reply } from '../inbound.js';
import type { ChatAction } from './action.js';

/** "Fixed it": the section comes first for this fingerprint from now on. */
export const fixed: ChatAction = {
  id: 'fixed',
  async run({ svc, answer, title }) {
    if (!answer.cardId) return reply(notice('Nothing to confirm', 'This answer named no guide section.'), true);
    await svc.store.addFeedback(answer.fingerprint, 'fixed', answer.cardId);
    svc.metrics.feedback.inc({ kind: 'fixed' });
    return reply(notice('Thanks, noted', `Recorded that "${title(answer.cardId)}" fixed it. The same error will get this answer first.`), true);
  },
};
