import type { AlertGroup } from '../../alerts/group.js';
import { notice } from '../../reply/reply.js';
import type { AnswerRecord } from '../../store/records.js';
import { type Outcome, reply } from '../inbound.js';
import type { RouterServices } from '../router.js';

/** The alert group behind an alert's first message, or the polite answer when Medic no longer keeps it. */
export async function alertOf(svc: Pick<RouterServices, 'store'>, answer: AnswerRecord): Promise<{ group: AlertGroup } | { expired: Outcome }> {
  const group = answer.alert ? await svc.store.getAlertGroup(answer.alert) : null;
  return group ? { group } : { expired: reply(notice('That alert has expired', 'Medic no longer keeps this alert; its next notification opens a new thread.'), true) };
}
