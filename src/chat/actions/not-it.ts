import { reply } from '../inbound.js';
import type { ChatAction } from './action.js';

/** "Not it": the section goes last for this fingerprint, and the alternatives are offered. */
export const notIt: ChatAction = {
  id: 'not-it',
  async run({ svc, answer, answerId, alternatives }) {
    if (answer.cardId) await svc.store.addFeedback(answer.fingerprint, 'notIt', answer.cardId);
    svc.metrics.feedback.inc({ kind: 'not-it' });
    return reply(alternatives('Thanks, noted. Which one was it?'), true, answerId);
  },
};
