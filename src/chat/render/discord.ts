import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type MessageCreateOptions, ModalBuilder, StringSelectMenuBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import type { Form } from '../inbound.js';
import { attachmentBytes, type Reply, type ReplyAction } from '../../reply/reply.js';
import { pack, replyBlocks } from './markdown.js';

const LIMIT = 2000;

/** Breaks mentions (`@everyone`, `<@id>`, `<@&id>`, `<#id>`) so they render as text. */
export function neutralizeDiscord(s: string): string {
  return s.replace(/@(everyone|here)/g, '@\u200b$1').replace(/<(@[!&]?|#)(\d+)>/g, '<$1\u200b$2>');
}

const STYLE = { bold: (s: string) => `**${s}**`, escape: neutralizeDiscord };

const BUTTON_STYLE: Record<string, ButtonStyle> = { fixed: ButtonStyle.Success, 'not-it': ButtonStyle.Secondary, escalate: ButtonStyle.Danger };

/** The custom id of a component: `medic:<action>:<answer id>`. */
export function customId(action: string, answerId: string): string {
  return `medic:${action}:${answerId}`;
}

export function parseCustomId(id: string): { action: string; answerId: string } | null {
  const m = /^medic:([\w-]+):([\w-]+)$/.exec(id);
  return m ? { action: m[1]!, answerId: m[2]! } : null;
}

/** A form as a Discord modal: one text input per field, prefilled; its submission carries the same custom id. */
export function renderDiscordModal(form: Form): ModalBuilder {
  const modal = new ModalBuilder().setCustomId(customId(form.id, form.answerId)).setTitle(form.title.slice(0, 45));
  for (const f of form.fields) {
    const input = new TextInputBuilder()
      .setCustomId(f.id)
      .setLabel(f.label.slice(0, 45))
      .setStyle(f.multiline ? TextInputStyle.Paragraph : TextInputStyle.Short)
      .setMaxLength(Math.min(f.max, 4000))
      .setRequired(true);
    if (f.value) input.setValue(f.value.slice(0, Math.min(f.max, 4000)));
    modal.addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input));
  }
  return modal;
}

/**
 * A Reply as Discord messages: Markdown split under 2,000 characters with code blocks kept
 * whole, buttons and menus on the last message, and no mention ever parsed.
 */
export function renderDiscord(reply: Reply, answerId?: string): MessageCreateOptions[] {
  const contents = pack(replyBlocks(reply, STYLE), LIMIT);
  const messages: MessageCreateOptions[] = contents.map((content) => ({ content, allowedMentions: { parse: [] } }));
  const rows: Array<ActionRowBuilder<ButtonBuilder> | ActionRowBuilder<StringSelectMenuBuilder>> = [];
  if (answerId && reply.choices) {
    const menu = new StringSelectMenuBuilder()
      .setCustomId(customId(reply.choices.id, answerId))
      .setPlaceholder(reply.choices.placeholder.slice(0, 150))
      .addOptions(reply.choices.options.slice(0, 25).map((o) => ({ label: o.label.slice(0, 100), value: o.value.slice(0, 100), ...(o.description ? { description: o.description.slice(0, 100) } : {}) })));
    rows.push(new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu));
  }
  if (answerId && reply.actions.length) {
    const buttons = reply.actions.slice(0, 5).map((a: ReplyAction) =>
      new ButtonBuilder().setCustomId(customId(a.id, answerId)).setLabel(a.label).setStyle(BUTTON_STYLE[a.id] ?? ButtonStyle.Secondary),
    );
    rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(buttons));
  }
  const last = messages[messages.length - 1];
  if (last && rows.length) last.components = rows;
  if (last && reply.attachments.length) {
    last.files = reply.attachments.map((a) => ({ attachment: attachmentBytes(a), name: a.name }));
  }
  return messages;
}
