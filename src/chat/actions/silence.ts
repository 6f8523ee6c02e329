import { notice } from '../../reply/reply.js';
import { reply } from '../inbound.js';
import type { ChatAction } from './action.js';

/** "Silence for 1 h": the alert's thread gets no new lines and its node no re-checks for an hour; its first message still follows it. */
export const silence: ChatAction = {
  id: 'silence',
  permission: { name: 'silence', doing: 'silence alerts' },
  async run({ svc, answer, origin }) {
    const g = answer.alert ? await svc.alerts.silence(answer.alert) : null;
    if (!g) return reply(notice('That alert has expired', 'Medic no longer keeps this alert; its next notification opens a new thread.'), true);
    const who = origin.user.name ?? 'someone';
    return reply(notice(`Silenced until ${g.silencedUntil!.slice(11, 16)} UTC by ${who}`, 'Changes are still counted in the first message; the next line after the silence says how many.'), false);
  },
};
