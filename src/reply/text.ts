import type { Reply, ReplyBlock } from './reply.js';

function block(b: ReplyBlock): string[] {
  if (b.type === 'text') return [b.text];
  if (b.type === 'code') return [fence(b.lang, b.text)];
  return b.steps.flatMap((s, i) => {
    const head = s.text ? `${i + 1}. ${s.text.split('\n').join('\n   ')}` : `${i + 1}.`;
    return [head, ...s.code.map((c) => indent(fence(c.lang, c.text), '   '))];
  });
}

function fence(lang: string, text: string): string {
  return ['```' + lang, text, '```'].join('\n');
}

function indent(text: string, pad: string): string {
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/** Plain-text rendering for the terminal. Buttons are numbered so the console can offer them. */
export function renderText(reply: Reply): string {
  const out: string[] = [reply.title, '='.repeat(Math.min(reply.title.length, 80))];
  if (reply.summary) out.push(reply.summary);
  for (const s of reply.sections) {
    out.push('', `## ${s.heading}`);
    for (const b of s.blocks) out.push(...block(b));
  }
  if (reply.citations.length) {
    out.push('', 'Sources:');
    for (const c of reply.citations) out.push(`  - ${c.file} > ${c.path.join(' > ')} (lines ${c.lines.start}-${c.lines.end}) [${c.cardId}]`);
  }
  if (reply.choices) {
    out.push('', `${reply.choices.placeholder}:`);
    reply.choices.options.forEach((o, i) => out.push(`  [${i + 1}] ${o.label}${o.description ? `  (${o.description})` : ''}`));
  }
  if (reply.actions.length) out.push('', 'Actions: ' + reply.actions.map((a, i) => `[${i + 1}] ${a.label}`).join('  '));
  for (const n of reply.notes) out.push(`note: ${n}`);
  return out.join('\n');
}
