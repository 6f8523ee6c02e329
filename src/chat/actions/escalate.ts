import { escalationJob } from '../../escalate/job.js';
import { notice } from '../../reply/reply.js';
import { reply } from '../inbound.js';
import type { ChatAction } from './action.js';

/** "Escalate": an issue for this error (or a comment on the one that tracks it), with what was tried. */
export const escalate: ChatAction = {
  id: 'escalate',
  permission: { name: 'escalate', doing: 'escalate' },
  async run({ svc, origin, answer }) {
    if (!answer.paste) return reply(notice('Nothing to escalate', 'This answer does not carry its paste; use /escalate with the error text.'), true);
    const fb = await svc.store.getFeedback(answer.fingerprint);
    const target = { platform: origin.platform, channelId: answer.channelId, threadId: origin.threadId ?? answer.threadId };
    const done = await svc.jobs.run(
      'escalations',
      escalationJob({
        fingerprint: answer.fingerprint,
        paste: answer.paste,
        system: answer.system ?? null,
        card: answer.cardId ? svc.engine.card(answer.cardId) : undefined,
        confidence: answer.confidence ?? 0,
        tried: [...(fb?.notIt ?? []), ...(fb?.picked ?? [])],
        thread: { ...target, link: origin.link ?? null },
        replyTo: target,
        findings: answer.findings ?? [],
      }),
    );
    return done?.reply ? reply(done.reply, false) : reply(notice('Escalating', 'The issue link will be posted in this thread.'), true);
  },
};
