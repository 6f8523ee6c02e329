import { startsWithLevel } from '../text/log-level.js';
import type { CodeBlock } from './card.js';

const SHELL_LANGS = new Set(['', 'bash', 'sh', 'shell', 'console', 'zsh', 'shell-session']);

export function isShell(code: CodeBlock): boolean {
  return SHELL_LANGS.has(code.lang.toLowerCase());
}

/**
 * Shell commands in a code block: comments dropped, `\` continuations joined, heredocs
 * kept with their command. Config lines that sit in shell blocks (`[section]`, `key = value`,
 * `key: value`) are not commands.
 */
export function extractCommands(code: CodeBlock): string[] {
  if (!isShell(code)) return [];
  const out: string[] = [];
  const lines = code.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = stripComment(lines[i]!.trim());
    if (!line) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1).trim()} ${lines[++i]!.trim()}`;
    const heredoc = /<<-?\s*['"]?(\w+)['"]?/.exec(line);
    if (heredoc) {
      const end = lines.findIndex((l, j) => j > i && l.trim() === heredoc[1]);
      const stop = end < 0 ? lines.length - 1 : end;
      line = [line, ...lines.slice(i + 1, stop + 1)].join('\n');
      i = stop;
    }
    if (line.startsWith('$ ')) line = line.slice(2);
    if (looksLikeCommand(line)) out.push(line);
  }
  return out;
}

function stripComment(line: string): string {
  if (line.startsWith('#')) return '';
  // A ` # comment` after a command, outside quotes.
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && i > 0 && /\s/.test(line[i - 1]!)) return line.slice(0, i).trimEnd();
  }
  return line;
}

function looksLikeCommand(line: string): boolean {
  const first = line.split(/\s+/)[0] ?? '';
  if (!first || /^[[{}\]-]/.test(first) || first.endsWith(':')) return false;
  if (/^\w[\w.]*\s*=\s/.test(line) && !/^export\s/.test(line)) return false;
  if (/^(if|then|else|fi|for|do|done|while|echo\s+"[^"]*"\s*$)$/.test(first)) return false;
  if (/^(set|shift|exit|return|local|function)$/.test(first)) return false;
  // Log output pasted into a shell block is not a command.
  if (startsWithLevel(first)) return false;
  return /^[\w./~$(-]/.test(first);
}
