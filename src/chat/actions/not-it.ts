import { reply } from '../inbound.js';
import type { ChatAction } from './action.js';

/** "Not it": the section goes last for this fingerprint, the alternatives are offered, and so is saving the fix people find. */
export const notIt: ChatAction = {
  id: 'not-it',
  async run({ svc, answer, answerId, alternatives }) {
    if (answer.cardId) await svc.store.addFeedback(answer.fingerprint, 'notIt', answer.cardId);
    svc.metrics.feedback.inc({ kind: 'not-it' });
    const picker = alternatives('Thanks, noted. Which one was it? If none was, and someone writes the fix in this thread, save it for next time.');
    return reply({ ...picker, actions: [...picker.actions, { id: 'save-fix', label: 'Save this fix', value: answer.fingerprint }] }, true, answerId);
  },
};
