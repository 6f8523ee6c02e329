import { notice } from '../../reply/reply.js';
import { reply } from '../inbound.js';
import type { ChatAction } from './action.js';
import { alertOf } from './alert-of.js';

/** "Silence for 1 h": the alert's thread gets no new lines and its node no re-checks for an hour; its first message still follows it. */
export const silence: ChatAction = {
  id: 'silence',
  permission: { name: 'silence', doing: 'silence alerts' },
  async run({ svc, answer, origin }) {
    const found = await alertOf(svc, answer);
    if ('expired' in found) return found.expired;
    const g = await svc.alerts.silence(found.group.key);
    if (!g?.silencedUntil) return reply(notice('Nothing to silence', 'Medic no longer keeps this alert.'), true);
    const who = origin.user.name ?? 'someone';
    return reply(notice(`Silenced until ${g.silencedUntil.slice(11, 16)} UTC by ${who}`, 'Changes are still counted in the first message; the next line after the silence says how many.'), false);
  },
};
