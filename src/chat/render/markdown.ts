import type { Reply, ReplyBlock } from '../../reply/reply.js';

/** Options for the Markdown dialect of a platform. */
export interface MarkdownStyle {
  bold(s: string): string;
  /** Escapes text that came from outside (a paste) so it cannot mention or format. */
  escape(s: string): string;
}

function fence(lang: string, text: string): string {
  return '```' + lang + '\n' + text.replace(/```/g, '`\u200b``') + '\n```';
}

function block(b: ReplyBlock, st: MarkdownStyle): string[] {
  if (b.type === 'text') return [st.escape(b.text)];
  if (b.type === 'code') return [fence(b.lang, b.text)];
  return b.steps.map((s, i) => [`${i + 1}. ${st.escape(s.text)}`.trimEnd(), ...s.code.map((c) => fence(c.lang, c.text))].join('\n'));
}

/** A Reply as Markdown chunks (one per block), to be packed into messages by `pack`. */
export function replyBlocks(reply: Reply, st: MarkdownStyle): string[] {
  const out: string[] = [st.bold(st.escape(reply.title))];
  if (reply.summary) out.push(st.escape(reply.summary));
  for (const s of reply.sections) {
    out.push(st.bold(st.escape(s.heading)));
    for (const b of s.blocks) out.push(...block(b, st));
  }
  if (reply.citations.length) {
    out.push(reply.citations.map((c) => `Source: ${c.file} > ${st.escape(c.path.join(' > '))} (lines ${c.lines.start}-${c.lines.end})`).join('\n'));
  }
  for (const n of reply.notes) out.push(`_${st.escape(n)}_`);
  return out;
}

/**
 * Packs chunks into messages of at most `limit` characters without cutting a code block.
 * A single chunk longer than the limit is cut at line ends, and a cut code block is closed
 * and reopened so each part still renders as code.
 */
export function pack(chunks: string[], limit: number): string[] {
  const messages: string[] = [];
  let cur = '';
  const flush = () => {
    if (cur) messages.push(cur);
    cur = '';
  };
  for (const chunk of chunks.flatMap((c) => cutLong(c, limit))) {
    const next = cur ? `${cur}\n${chunk}` : chunk;
    if (next.length <= limit) cur = next;
    else {
      flush();
      cur = chunk;
    }
  }
  flush();
  return messages;
}

function cutLong(chunk: string, limit: number): string[] {
  if (chunk.length <= limit) return [chunk];
  const open = /^```(\w*)\n/.exec(chunk);
  const parts: string[] = [];
  let cur = '';
  const budget = limit - 8;
  for (const line of chunk.split('\n')) {
    const l = line.length > budget ? line.slice(0, budget - 1) + '…' : line;
    if ((cur + '\n' + l).length > budget) {
      parts.push(cur);
      cur = l;
    } else cur = cur ? `${cur}\n${l}` : l;
  }
  if (cur) parts.push(cur);
  if (!open) return parts;
  // Re-fence every part of a cut code block.
  return parts.map((p, i) => {
    let s = p;
    if (i > 0) s = '```' + open[1] + '\n' + s;
    if (i < parts.length - 1) s = s + '\n```';
    return s;
  });
}
