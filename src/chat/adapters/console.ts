import { createInterface } from 'node:readline';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Outcome } from '../inbound.js';
import type { Messenger } from '../../progress.js';
import { COMMANDS } from '../commands/index.js';
import { type ActionId, attachmentBytes, type Reply } from '../../reply/reply.js';
import { renderText } from '../../reply/text.js';
import type { RequestOrigin } from '../router.js';
import type { Services } from '../../app.js';

interface Pending {
  answerId: string;
  actions: Array<{ id: ActionId; value?: string }>;
}

/**
 * The local front door: paste a multi-line error and end it with an empty line, read the
 * answer, and press its buttons by number. Needs no tokens.
 */
export async function runConsole(svc: Services, io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } = { input: process.stdin, output: process.stdout }): Promise<void> {
  const out = (s: string) => io.output.write(s + '\n');
  const origin: RequestOrigin = { platform: 'console', user: { id: 'console', name: 'you', roles: [] }, channelId: 'console', threadId: null };
  let pending: Pending | null = null;
  let buffer: string[] = [];
  let seq = 0;

  out('Medic console. Paste an error and end it with an empty line; type a number to press a button; /analyze PATH reads a bundle; Ctrl-D quits.');
  const reportsDir = join(svc.cfg.dataDir, 'reports');
  const saveAttachments = (reply: Reply) => {
    for (const a of reply.attachments) {
      if (a.content === undefined && a.base64 === undefined) continue;
      mkdirSync(reportsDir, { recursive: true });
      const file = join(reportsDir, a.name.replace(/[^\w.-]+/g, '_'));
      writeFileSync(file, attachmentBytes(a));
      out(`Attached ${a.name}: saved to ${file}`);
    }
  };
  let posted = 0;
  const messenger: Messenger = {
    target: { channelId: 'console', threadId: null },
    async post(reply) {
      out(`${reply.title}: ${reply.summary}`);
      return String(++posted);
    },
    async edit(_id, reply) {
      out(`  ... ${reply.summary}`);
    },
  };
  const show = (o: Outcome) => {
    if (o.kind === 'silent') {
      // A streamed answer was shown by its final edit.
      if (o.reason !== 'streamed') out(`(no answer: ${o.reason})`);
      return;
    }
    // The save-fix action answers the console with `medic notes add`, so no form reaches it.
    if (o.kind === 'form') return out('(this needs a form: use Discord or Slack)');
    out('');
    out(renderText(o.reply));
    saveAttachments(o.reply);
    out('');
    const choices = o.reply.choices?.options.map((opt) => ({ id: o.reply.choices!.id, value: opt.value })) ?? [];
    // Buttons carry no value: the answer record says what they refer to.
    const actions = o.reply.actions.map((a) => ({ id: a.id }));
    // Choices come first: they are numbered first in the rendering.
    pending = o.answerId && (choices.length || actions.length) ? { answerId: o.answerId, actions: [...choices, ...actions] } : null;
  };

  // A model's answer streams: its summary appears as it is written, then the whole answer with its buttons.
  let written = '';
  const streaming: Messenger = {
    target: { channelId: 'console', threadId: null },
    async post(reply) {
      out(`${reply.title}: ${reply.summary}`);
      written = '';
      return String(++posted);
    },
    async edit(_id, reply, answerId) {
      if (answerId !== undefined) {
        if (written) io.output.write('\n');
        written = '';
        show({ kind: 'reply', reply, ephemeral: false, answerId });
        return;
      }
      const text = reply.summary.replace(/\.\.\.$/, '');
      if (!text.startsWith(written)) return;
      io.output.write(text.slice(written.length));
      written = text;
    },
  };

  const rl = createInterface({ input: io.input, terminal: false });
  const handle = async (text: string): Promise<void> => {
    const n = /^\s*(\d{1,2})\s*$/.exec(text);
    const p = pending as Pending | null;
    if (n && p) {
      const chosen = p.actions[Number(n[1]) - 1];
      if (!chosen) {
        out(`There is no button ${n[1]}.`);
        return;
      }
      show(await svc.router.onAction(chosen.id, p.answerId, origin, chosen.value));
      return;
    }
    const command = /^\/(\w+)\s*([\s\S]*)$/.exec(text.trim());
    if (command) {
      const [, name, rest] = command;
      const first = COMMANDS.get(name!)?.options[0]?.name ?? 'text';
      show(await svc.router.onCommand(name!, rest ? { [first]: rest } : {}, origin, { messenger }));
      return;
    }
    show(await svc.router.onMessage({ platform: 'console', channelId: 'console', channelName: null, messageId: String(++seq), threadId: null, user: origin.user, isBot: false, text, mentioned: true }, streaming));
  };

  // Lines are handled one paste at a time, in order, even when they arrive all at once.
  let chain = Promise.resolve();
  for await (const line of rl) {
    // A number (a button) or a /command is complete on its own line.
    if (line.trim() === '' || (buffer.length === 0 && /^\s*(?:\d{1,2}|\/\w+.*)\s*$/.test(line))) {
      if (line.trim() !== '') buffer.push(line);
      const text = buffer.join('\n');
      buffer = [];
      if (text.trim()) chain = chain.then(() => handle(text));
      await chain;
      continue;
    }
    buffer.push(line);
  }
  if (buffer.join('').trim()) await handle(buffer.join('\n'));
  await chain;
}
