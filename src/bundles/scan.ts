import { createReadStream } from 'node:fs';
import type { Level } from './drain.js';
import { MB } from './limits.js';
import { LEVEL_WORD } from '../text/log-level.js';

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

/**
 * Quick filters: only lines with one of these are looked at closely. Two short lists, since
 * V8 searches a short list of literals many times faster than a long one.
 */
const CANDIDATE = /ERR|WARN|WRN|FATAL|FTL|CRIT|PANIC|SEVERE|EMERG|ALERT|error|warn|fatal|panic|Error|Warn|\n[EWF]\d{4} /g;
const CANDIDATE_RARE = /Exception|Traceback|Killed process|Out of memory|OOM|segfault/g;
const KLOG_START = /^[EWF]\d{4} /;

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
 * Reads one log line by line with constant memory, whatever its size: bytes are pushed in as
 * they arrive (from disk, or straight out of an archive). Only warnings and errors become
 * events, with the stack trace under them; every other line is only counted.
 */
export class LogScanner {
  readonly stats: FileScan;
  private carry = '';
  private lineNo = 0;
  private open: LogEvent | null = null;

  constructor(
    readonly file: string,
    private readonly onEvent: (e: LogEvent) => void,
  ) {
    this.stats = { file, lines: 0, errors: 0, warnings: 0, firstTime: null, lastTime: null };
  }

  /** Latin-1 is a byte-for-byte decoding, so chunk edges never split a character; lines are re-read as UTF-8 when kept. */
  push(chunk: Buffer): void {
    const text = chunk.toString('latin1');
    const first = text.indexOf('\n');
    if (first < 0) {
      // A line longer than a chunk: keep reading, but never hold more than a few chunks.
      this.carry = this.carry.length + text.length > 4 * MB ? (this.carry + text).slice(0, MAX_LINE) : this.carry + text;
      return;
    }
    // The line cut at the last chunk's edge, then whole lines, without copying the chunk.
    this.block(this.carry + text.slice(0, first));
    const last = text.lastIndexOf('\n');
    if (last > first) this.block(text.slice(first + 1, last));
    this.carry = text.slice(last + 1);
  }

  end(): FileScan {
    if (this.carry.length) this.block(this.carry);
    this.carry = '';
    this.flush();
    this.stats.lines = this.lineNo;
    return this.stats;
  }

  private flush(): void {
    const open = this.open;
    if (!open) return;
    if (open.message.startsWith('Traceback')) {
      // Python says what went wrong on the last line of the traceback.
      const last = [...open.trace].reverse().find((l) => !/^\s/.test(l));
      if (last) open.message = last;
    }
    this.onEvent(open);
    this.open = null;
  }

  private block(text: string): void {
    // Stack lines continuing an event from the previous block.
    let pos = 0;
    if (this.open) pos = this.takeTrace(text, 0);
    let counted = 0;
    for (const hit of candidates(text, pos)) {
      if (hit < pos) continue;
      const start = text.lastIndexOf('\n', hit - 1) + 1;
      let end = text.indexOf('\n', hit);
      if (end < 0) end = text.length;
      this.lineNo += countNewlines(text, counted, start);
      counted = start;
      const raw = utf8(text.slice(start, Math.min(end, start + MAX_LINE)));
      const line = bodyOf(raw);
      const level = levelOf(line);
      let next = end + 1;
      if (level) {
        this.flush();
        const time = timeOf(line);
        const stats = this.stats;
        if (time) {
          if (!stats.firstTime || time < stats.firstTime) stats.firstTime = time;
          if (!stats.lastTime || time > stats.lastTime) stats.lastTime = time;
        }
        if (level === 'warn') stats.warnings++;
        else stats.errors++;
        this.open = { file: this.file, line: this.lineNo + 1, level, text: raw.trimEnd(), message: jsonMessage(line) ?? line.trim(), trace: [], time };
        next = this.takeTrace(text, next);
      } else this.flush();
      pos = next;
      if (next > text.length) break;
    }
    this.lineNo += countNewlines(text, counted, text.length) + 1;
    // Only the open event carries over: it could gain stack lines from the next block.
  }

  /** Appends the stack lines that start at `pos` to the open event; returns where they end. */
  private takeTrace(text: string, pos: number): number {
    while (this.open && pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const line = bodyOf(utf8(text.slice(pos, Math.min(end, pos + MAX_LINE))));
      if (!CONTINUATION.test(line) || line.trim() === '') {
        this.flush();
        break;
      }
      if (this.open.trace.length < MAX_TRACE) this.open.trace.push(line.trimEnd());
      pos = end + 1;
    }
    return pos;
  }
}

/** Where lines worth a closer look are, in order: one position per line. */
function candidates(text: string, from: number): number[] {
  const hits: number[] = [];
  if (from < text.length && KLOG_START.test(text.slice(from, from + 6))) hits.push(from);
  for (const re of [CANDIDATE, CANDIDATE_RARE]) {
    re.lastIndex = from;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      // A klog match starts at the newline before the line.
      hits.push(text.charCodeAt(m.index) === 10 ? m.index + 1 : m.index);
      const end = text.indexOf('\n', m.index + 1);
      if (end < 0) break;
      re.lastIndex = end;
    }
  }
  return hits.length > 1 ? hits.sort((a, b) => a - b) : hits;
}

/** Scans a log file on disk. */
export async function scanLog(abs: string, scanner: LogScanner): Promise<FileScan> {
  for await (const chunk of createReadStream(abs, { highWaterMark: MB })) scanner.push(chunk as Buffer);
  return scanner.end();
}

function utf8(latin1: string): string {
  // Pure ASCII (most log lines) reads the same either way.
  return /[^\x00-\x7f]/.test(latin1) ? Buffer.from(latin1, 'latin1').toString('utf8') : latin1;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
