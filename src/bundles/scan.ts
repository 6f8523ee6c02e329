import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Level } from './drain.js';
import { MB } from './limits.js';

/** One warning or error in a log, with the stack trace that followed it. */
export interface LogEvent {
  file: string;
  line: number;
  level: Level;
  /** The line as written. */
  text: string;
  /** What the event says: the message (JSON `msg`, a traceback's last line) without the prefix noise. */
  message: string;
  trace: string[];
  time: string | null;
}

export interface FileScan {
  file: string;
  lines: number;
  errors: number;
  warnings: number;
  firstTime: string | null;
  lastTime: string | null;
}

/** Quick filter: only lines with one of these are looked at closely. */
const CANDIDATE =
  /ERROR|ERR\b|FATAL|CRIT|PANIC|EMERG|ALERT|SEVERE|WARN|WRN|FTL|Exception|Traceback|panic|[Ee]rror:|[Ww]arning:|level=(?:error|warn|fatal|crit)|"(?:level|severity)":\s*"(?:error|warn|warning|fatal|critical)"|\[(?:error|warn|warning|fatal)\]|^[EWF]\d{4} |\bfatal(?:\[\w+\])?:|error\[\w+\]:|Killed process|Out of memory|OOMKilled|segfault/gm;

/** The first level a line declares, wherever its logger put it. */
const LEVEL_WORD =
  /\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|WRN|ERROR|ERR|FATAL|FTL|CRIT|CRITICAL|PANIC|EMERG|ALERT|SEVERE)\b|\blevel=(\w+)|"(?:level|severity)":\s*"(\w+)"|\[(trace|debug|info|warn|warning|error|fatal)\]|^([IWEF])\d{4} /i;

const UNLEVELLED_ERROR = /^(?:panic:|fatal error:|thread '.*' panicked|Traceback \(most recent call last\)|Exception in thread|\w+(?:\.\w+)*(?:Error|Exception): |(?:error|fatal)(?:\[\w+\])?: )|Killed process|Out of memory|OOMKilled|segfault/;

const CONTINUATION = /^(?:\s+\S|Caused by:|goroutine \d+ |\w+(?:\.\w+)*(?:Error|Exception)(?::|$)|During handling of the above exception|The above exception was the direct cause)/;

const ISO_TIME = /\b(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,]\d+)?(Z|[+-]\d{2}:?\d{2})?/;
const SYSLOG_TIME = /\b((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{2}:\d{2}:\d{2})\b/;
/** `docker-compose logs` puts `service-1  | ` before every line. */
const COMPOSE_PREFIX = /^[\w.-]+\s+\|\s?/;

const MAX_TRACE = 30;
const MAX_LINE = 4000;

function levelOf(line: string): Level | null {
  const m = LEVEL_WORD.exec(line.length > 300 ? line.slice(0, 300) : line);
  if (m) {
    const word = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? '').toLowerCase();
    if (word === 'e' || word.startsWith('err') || word === 'severe') return 'error';
    if (word === 'f' || word === 'fatal' || word === 'ftl' || word.startsWith('crit') || word === 'panic' || word === 'emerg' || word === 'alert') return 'fatal';
    if (word === 'w' || word.startsWith('warn') || word === 'wrn') return 'warn';
    // INFO, DEBUG and the like: a message that mentions an error is not one.
    return UNLEVELLED_ERROR.test(messageStart(line)) ? 'error' : null;
  }
  return UNLEVELLED_ERROR.test(messageStart(line)) ? 'error' : null;
}

/** The line after a leading timestamp and journald/syslog prefix. */
function messageStart(line: string): string {
  return line.replace(/^\s*(?:\S*\d{2}:\d{2}:\d{2}\S*\s+)?(?:[\w.-]+\s+)?(?:[\w./-]+\[\d+\]:\s+)?/, '');
}

/** When a line was written: ISO 8601 wherever it is in the line (journald adds a syslog stamp before it), else syslog's. */
export function timeOf(line: string): string | null {
  const head = line.length > 300 ? line.slice(0, 300) : line;
  const iso = ISO_TIME.exec(head);
  if (iso) return `${iso[1]}T${iso[2]}${iso[3] && iso[3] !== 'Z' ? iso[3] : 'Z'}`;
  return SYSLOG_TIME.exec(head)?.[1] ?? null;
}

/** The line without a `docker-compose logs` service prefix. */
function bodyOf(line: string): string {
  return line.replace(COMPOSE_PREFIX, '');
}

/** The message of a JSON log line, or null when the line is not one. */
function jsonMessage(line: string): string | null {
  const t = line.trimStart();
  if (!t.startsWith('{')) return null;
  try {
    const o = JSON.parse(t) as Record<string, unknown>;
    const parts = ['msg', 'message', 'error', 'err', 'reason'].map((k) => o[k]).filter((v): v is string => typeof v === 'string');
    return parts.length ? parts.join(': ') : null;
  } catch {
    return null;
  }
}

/**
 * Reads one log line by line with constant memory, whatever its size. Only warnings and
 * errors become events (with the stack trace under them); every other line is only counted.
 */
export async function scanLog(abs: string, file: string, onEvent: (e: LogEvent) => void): Promise<FileScan> {
  const stats: FileScan = { file, lines: 0, errors: 0, warnings: 0, firstTime: null, lastTime: null };
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let lineNo = 0;
  let open: LogEvent | null = null;

  const flush = () => {
    if (!open) return;
    if (open.message.startsWith('Traceback')) {
      // Python says what went wrong on the last line of the traceback.
      const last = [...open.trace].reverse().find((l) => !/^\s/.test(l));
      if (last) open.message = last;
    }
    onEvent(open);
    open = null;
  };

  const block = (text: string) => {
    // Stack lines continuing an event from the previous block.
    let pos = 0;
    if (open) pos = takeTrace(text, 0);
    CANDIDATE.lastIndex = pos;
    let counted = 0;
    let m: RegExpExecArray | null;
    while ((m = CANDIDATE.exec(text))) {
      const start = text.lastIndexOf('\n', m.index - 1) + 1;
      let end = text.indexOf('\n', m.index);
      if (end < 0) end = text.length;
      lineNo += countNewlines(text, counted, start);
      counted = start;
      const raw = text.slice(start, end);
      const line = bodyOf(raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw);
      const level = levelOf(line);
      let next = end + 1;
      if (level) {
        flush();
        const time = timeOf(line);
        if (time) {
          if (!stats.firstTime || time < stats.firstTime) stats.firstTime = time;
          if (!stats.lastTime || time > stats.lastTime) stats.lastTime = time;
        }
        if (level === 'warn') stats.warnings++;
        else stats.errors++;
        open = { file, line: lineNo + 1, level, text: (raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw).trimEnd(), message: jsonMessage(line) ?? line.trim(), trace: [], time };
        next = takeTrace(text, next);
      } else flush();
      CANDIDATE.lastIndex = Math.max(next, CANDIDATE.lastIndex);
      if (next > text.length) break;
    }
    lineNo += countNewlines(text, counted, text.length) + 1;
    // Only `open` may carry over: it could gain stack lines from the next block.
  };

  /** Appends the stack lines that start at `pos` to the open event; returns where they end. */
  const takeTrace = (text: string, pos: number): number => {
    while (open && pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const line = bodyOf(text.slice(pos, end));
      if (!CONTINUATION.test(line) || line.trim() === '') {
        flush();
        break;
      }
      if (open.trace.length < MAX_TRACE) open.trace.push(line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line.trimEnd());
      pos = end + 1;
    }
    return pos;
  };

  for await (const chunk of createReadStream(abs, { highWaterMark: MB })) {
    const text = carry + decoder.write(chunk as Buffer);
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      // A line longer than a chunk: keep reading, but never hold more than a few chunks.
      carry = text.length > 4 * MB ? text.slice(0, MAX_LINE) : text;
      continue;
    }
    carry = text.slice(cut + 1);
    block(text.slice(0, cut));
  }
  const rest = carry + decoder.end();
  if (rest.length) block(rest);
  flush();
  stats.lines = lineNo;
  return stats;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
