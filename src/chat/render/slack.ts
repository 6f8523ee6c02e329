import type { Reply } from '../../reply/reply.js';
import type { Form } from '../inbound.js';
import { pack, replyBlocks } from './markdown.js';

/** Slack's own escaping: `&`, `<` and `>`; it also makes `<!channel>` and `<@U1>` plain text. */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const STYLE = { bold: (s: string) => `*${s}*`, escape: escapeSlack };
const SECTION_LIMIT = 2900;
const MAX_BLOCKS = 48;

export type SlackBlock = { type: string; block_id?: string; [key: string]: unknown };

/** The block id that carries the answer id for every button and menu of a reply. */
export function answerBlockId(answerId: string): string {
  return `medic:${answerId}`;
}

/**
 * A Reply as Block Kit: a header, mrkdwn sections under Slack's 3,000-character limit with
 * code blocks kept whole, the citation as context, then buttons and menus. Text is escaped,
 * so nothing in a paste can mention anyone.
 */
export function renderSlack(reply: Reply, answerId?: string): { text: string; blocks: SlackBlock[] } {
  const [, ...body] = replyBlocks(reply, STYLE);
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: reply.title.slice(0, 150) || 'Medic', emoji: false } }];
  const sections = pack(body.filter((b) => !b.startsWith('Source: ')), SECTION_LIMIT);
  for (const s of sections) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: s } });
  if (blocks.length > MAX_BLOCKS) {
    blocks.splice(MAX_BLOCKS);
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: '_The answer is longer than Slack shows; the rest is in the guide cited below._' }] });
  }
  if (reply.citations.length) {
    const cites = reply.citations.map((c) => `Source: ${c.file} › ${escapeSlack(c.path.join(' › '))} (lines ${c.lines.start}-${c.lines.end})`);
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: cites.join('\n').slice(0, 3000) }] });
  }
  if (answerId && (reply.actions.length || reply.choices)) {
    const elements: SlackBlock[] = [];
    if (reply.choices) {
      elements.push({
        type: 'static_select',
        action_id: `medic:${reply.choices.id}`,
        placeholder: { type: 'plain_text', text: reply.choices.placeholder.slice(0, 150) },
        options: reply.choices.options.slice(0, 100).map((o) => ({ text: { type: 'plain_text', text: o.label.slice(0, 75) }, value: o.value.slice(0, 150) })),
      });
    }
    for (const a of reply.actions.slice(0, 5)) {
      elements.push({
        type: 'button',
        action_id: `medic:${a.id}`,
        text: { type: 'plain_text', text: a.label },
        value: answerId,
        ...(a.id === 'fixed' ? { style: 'primary' } : a.id === 'escalate' ? { style: 'danger' } : {}),
      });
    }
    blocks.push({ type: 'actions', block_id: answerBlockId(answerId), elements });
  }
  return { text: escapeSlack(`${reply.title}: ${reply.summary}`).slice(0, 3000), blocks };
}

/** The callback id of a form's modal: its submission comes back under it. */
export function formCallbackId(form: Pick<Form, 'id'>): string {
  return `medic:${form.id}`;
}

/**
 * A form as a Slack modal (`views.open`): one plain-text input per field, prefilled. `metadata`
 * travels with it (the answer and the thread), since a submission names neither.
 */
export function renderSlackModal(form: Form, metadata: string): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: formCallbackId(form),
    private_metadata: metadata,
    title: { type: 'plain_text', text: form.title.slice(0, 24) },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: form.fields.map((f) => ({
      type: 'input',
      block_id: f.id,
      label: { type: 'plain_text', text: f.label.slice(0, 2000) },
      element: { type: 'plain_text_input', action_id: f.id, multiline: f.multiline, max_length: Math.min(f.max, 3000), ...(f.value ? { initial_value: f.value.slice(0, 3000) } : {}) },
    })),
  };
}
