import { notice } from '../../reply/reply.js';
import { clip } from '../../text/clip.js';
import { redactText } from '../../text/redact.js';
import { extract } from '../../triage/extract.js';
import { NOTE_TITLE_CHARS } from '../../triage/team-notes.js';
import { reply, type ThreadHistory } from '../inbound.js';
import { looksLikePaste } from '../paste.js';
import type { ChatAction } from './action.js';

/** What a form may hold for the fix: Slack's text inputs take 3,000 characters. */
const FORM_FIX_CHARS = 3000;
/** How many of the fixer's last messages the form starts from. */
const FIX_MESSAGES = 3;

/** The fix as the thread has it: the presser's last messages that are not error pastes, else anyone's. */
function writtenFix(history: ThreadHistory, userId: string, paste: string): string {
  const prose = history.messages.filter((m) => !looksLikePaste(m.text) && !paste.includes(m.text.trim()));
  const own = prose.filter((m) => m.userId === userId);
  return redactText((own.length ? own : prose).slice(-FIX_MESSAGES).map((m) => m.text.trim()).join('\n\n'));
}

/**
 * "Save this fix": a form to keep the fix people wrote in this thread as a team note, starting
 * from the presser's own last messages. The thread must be read in full first: a fix is never
 * taken from part of a conversation.
 */
export const saveFix: ChatAction = {
  id: 'save-fix',
  permission: { name: 'learn', doing: 'save fixes as team notes' },
  async run({ origin, answer, answerId }) {
    if (!answer.paste) return reply(notice('Nothing to save', 'This answer does not carry its error, so a note could not match it.'), true);
    if (origin.platform === 'console') return reply(notice('Save it with medic notes add', 'The console has no forms: `medic notes add --title TEXT --fix TEXT --file error.log`.'), true);
    let history: ThreadHistory | null = null;
    try {
      history = origin.threadId && origin.earlier ? await origin.earlier() : null;
    } catch {
      history = null;
    }
    if (!history) return reply(notice('Cannot read this thread', 'Write the fix in the thread where the error was answered, then press "Save this fix" there.'), true);
    if (!history.complete) return reply(notice('This thread is too long to read in full', 'A fix is only saved from a whole conversation. Save it with `medic notes add` instead.'), true);
    const salient = extract(answer.paste).salient[0]?.text ?? answer.paste.split('\n')[0] ?? '';
    return {
      kind: 'form',
      form: {
        id: 'save-fix',
        answerId,
        title: 'Save this fix as a team note',
        fields: [
          { id: 'title', label: 'The problem, in a few words', value: clip(salient.trim(), NOTE_TITLE_CHARS), multiline: false, max: NOTE_TITLE_CHARS },
          { id: 'fix', label: 'The fix', value: clip(writtenFix(history, origin.user.id, answer.paste), FORM_FIX_CHARS), multiline: true, max: FORM_FIX_CHARS },
        ],
      },
    };
  },
};
