import MarkdownIt from 'markdown-it';

type Token = ReturnType<MarkdownIt['parse']>[number];

/** A Markdown block with 1-based source lines. Headings inside fences never appear as headings. */
export type Block =
  | { type: 'heading'; level: number; text: string; line: number }
  | { type: 'paragraph'; text: string; line: number; endLine: number }
  | { type: 'code'; lang: string; text: string; line: number; endLine: number }
  | { type: 'list'; ordered: boolean; items: ListItem[]; line: number; endLine: number }
  | { type: 'table'; header: string[]; rows: string[][]; line: number; endLine: number };

export interface ListItem {
  /** Inline text of the item's first paragraph, with Markdown emphasis kept. */
  text: string;
  /** Blocks nested in the item after its first paragraph (code, sub-lists, more paragraphs). */
  blocks: Block[];
  line: number;
}

const md = new MarkdownIt({ html: false });

/** Parses Markdown into a flat sequence of top-level blocks; lists keep their nested blocks. */
export function parseBlocks(source: string): Block[] {
  const tokens = md.parse(source, {});
  const [blocks] = readBlocks(tokens, 0, null);
  return blocks;
}

function lines(t: Token): [number, number] {
  const map = t.map ?? [0, 0];
  return [map[0] + 1, map[1]];
}

/** Reads blocks from `i` until a closing token of type `until`; returns the blocks and the next index. */
function readBlocks(tokens: Token[], start: number, until: string | null): [Block[], number] {
  const out: Block[] = [];
  let i = start;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (until && t.type === until) return [out, i + 1];
    switch (t.type) {
      case 'heading_open': {
        const inline = tokens[i + 1]!;
        out.push({ type: 'heading', level: Number(t.tag.slice(1)), text: inline.content.trim(), line: lines(t)[0] });
        i += 3;
        break;
      }
      case 'paragraph_open': {
        const inline = tokens[i + 1]!;
        const [line, endLine] = lines(t);
        out.push({ type: 'paragraph', text: inline.content.trim(), line, endLine });
        i += 3;
        break;
      }
      case 'fence':
      case 'code_block': {
        const [line, endLine] = lines(t);
        out.push({ type: 'code', lang: (t.info || '').trim().split(/\s+/)[0] ?? '', text: t.content.replace(/\n$/, ''), line, endLine });
        i += 1;
        break;
      }
      case 'bullet_list_open':
      case 'ordered_list_open': {
        const [line, endLine] = lines(t);
        const closing = t.type === 'bullet_list_open' ? 'bullet_list_close' : 'ordered_list_close';
        const [items, next] = readListItems(tokens, i + 1, closing);
        out.push({ type: 'list', ordered: t.type === 'ordered_list_open', items, line, endLine });
        i = next;
        break;
      }
      case 'table_open': {
        const [line, endLine] = lines(t);
        const [table, next] = readTable(tokens, i + 1);
        out.push({ type: 'table', ...table, line, endLine });
        i = next;
        break;
      }
      case 'blockquote_open': {
        const [inner, next] = readBlocks(tokens, i + 1, 'blockquote_close');
        out.push(...inner);
        i = next;
        break;
      }
      case 'html_block': {
        const [line, endLine] = lines(t);
        out.push({ type: 'paragraph', text: t.content.trim(), line, endLine });
        i += 1;
        break;
      }
      default:
        i += 1;
    }
  }
  return [out, i];
}

function readListItems(tokens: Token[], start: number, closing: string): [ListItem[], number] {
  const items: ListItem[] = [];
  let i = start;
  while (i < tokens.length && tokens[i]!.type !== closing) {
    const t = tokens[i]!;
    if (t.type !== 'list_item_open') {
      i += 1;
      continue;
    }
    const [inner, next] = readBlocks(tokens, i + 1, 'list_item_close');
    const first = inner[0];
    const lead = first && first.type === 'paragraph' ? first.text : '';
    items.push({ text: lead, blocks: first && first.type === 'paragraph' ? inner.slice(1) : inner, line: lines(t)[0] });
    i = next;
  }
  return [items, i + 1];
}

function readTable(tokens: Token[], start: number): [{ header: string[]; rows: string[][] }, number] {
  const header: string[] = [];
  const rows: string[][] = [];
  let row: string[] | null = null;
  let inHead = false;
  let i = start;
  for (; i < tokens.length && tokens[i]!.type !== 'table_close'; i++) {
    const t = tokens[i]!;
    if (t.type === 'thead_open') inHead = true;
    else if (t.type === 'thead_close') inHead = false;
    else if (t.type === 'tr_open') row = [];
    else if (t.type === 'tr_close' && row) {
      if (inHead) header.push(...row);
      else rows.push(row);
      row = null;
    } else if (t.type === 'inline' && row) row.push(t.content.trim());
  }
  return [{ header, rows }, i + 1];
}

/** Inline tokens whose content is text a reader sees (an image's is its alt text), and line breaks. */
const TEXT_TOKENS = new Set(['text', 'code_inline', 'image']);
const BREAKS = new Set(['softbreak', 'hardbreak']);

/** Removes Markdown emphasis, links and inline code markers from inline text. */
export function plainInline(text: string): string {
  const inline = md.parseInline(text, {})[0]?.children ?? [];
  return inline
    .map((t) => (TEXT_TOKENS.has(t.type) ? t.content : BREAKS.has(t.type) ? ' ' : ''))
    .join('')
    .trim();
}
