import { notice } from '../../reply/reply.js';
import { reply } from '../inbound.js';
import type { ChatAction } from './action.js';

/** The picker's "None of these": no card id can take this value (ids hold a "#"). */
export const NONE_FITS = 'none-of-these';

/** A pick among the alternatives: that section answers this fingerprint; "None of these" makes it abstain. */
export const pick: ChatAction = {
  id: 'pick',
  async run({ svc, answer, title, saveAnswer }, value) {
    if (value === NONE_FITS) {
      await svc.store.addFeedback(answer.fingerprint, 'noneFits', answer.cardId ?? '');
      svc.metrics.feedback.inc({ kind: 'none-fits' });
      return reply(notice('Thanks, noted', 'Recorded that no section of the guides fits this error. Medic will not answer it until someone picks a section; Escalate it if it needs a fix.'), true);
    }
    if (!value || !answer.alternatives.includes(value)) return reply(notice('Unknown choice', 'Pick one of the listed sections.'), true);
    await svc.store.addFeedback(answer.fingerprint, 'picked', value);
    svc.metrics.feedback.inc({ kind: 'picked' });
    const picked = svc.engine.answerFor(value, answer.fingerprint);
    if (!picked) return reply(notice('That section is gone', 'The guides changed since this answer.'), true);
    picked.notes.push(`Recorded: for this error, "${title(value)}" is the right section.`);
    // The paste stays with the answer, so Escalate on the picked one still has it.
    const id = await saveAnswer(value, { ...(answer.paste ? { paste: answer.paste } : {}), system: svc.engine.card(value)?.guide ?? answer.system ?? null });
    return reply(picked, false, id);
  },
};
