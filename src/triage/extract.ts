import { startsWithLevel } from '../text/log-level.js';
import { lineTemplate, stripAnsi } from '../text/mask.js';

export interface SalientLine {
  text: string;
  template: string;
  /** How strongly the line reads as an error: 3 error/panic, 2 warning or trouble words. */
  weight: number;
  index: number;
}

export interface Extracted {
  /** Cleaned lines (ANSI removed, empty and separator lines dropped). */
  lines: string[];
  salient: SalientLine[];
  /** Lines a person wrote about the problem rather than output they copied. */
  prose: string[];
  /** Commands the user shows having run (prompt lines). */
  commands: string[];
  /** Stack frames (and the source lines Python prints under them): where it failed, not what. */
  frames: string[];
  truncated: boolean;
}

const MAX_LINES = 400;
const MAX_SALIENT = 16;

const ERROR_LEVEL =
  /\b(ERROR|ERR|FATAL|FTL|PANIC|CRIT|CRITICAL|EMERG)\b|level=(error|fatal|panic)|"level":\s*"(error|fatal|panic)"|^\s*E\d{4} |\bpanicked at\b|^panic:|^\s*(fatal|error)(\[\w+\])?:|^\s*Error\b|\b\w*(Error|Exception|Failure)\b:|^\s*Caused by:|Traceback \(most recent call last\)/i;
const WARN_LEVEL = /\b(WARN|WARNING|WRN)\b|level=warn|"level":\s*"warn/i;
const TROUBLE =
  /\b(fail(ed|s|ure)?|refused|denied|time[sd]? ?out|timeout|deadline|cannot|can't|unable|not (found|available|allowed|set|running|ready|detected|supported)|no such|invalid|exceeded|unavailable|killed|oom\w*|out of memory|crash\w*|backoff|pending|unhealthy|forbidden|unauthori[sz]ed|expired|mismatch|exit(ed)? (with )?code [1-9]\d*|os error \d+|errno|x509|abort(ed)?|panic|segfault|too many|no \w+ (available|found)|unreachable|rejected|already in use|unknown|missing|corrupt\w*|hangs?|frozen|freezes|stuck|circuit[ -]?breaker|circuit opened)\b/i;
const PROMPT = /^\s*(\$|#|>>>|PS [A-Z]:\\[^>]*>|[\w.-]+@[\w.-]+:[^$#]*[$#])\s+\S/;
const SEPARATOR = /^[\s\-=_*#~.+|`]*$/;
/** `docker-compose logs` puts the service name before each line. */
const COMPOSE_PREFIX = /^[\w.-]+\s+\|\s?/;
/** Python, Go, Rust, Java/JS and Lua stack frames. */
const STACK_FRAME =
  /^\s*(?:File ".+", line \d+|at \S.*(?:\.\w+:\d+(?::\d+)?\)?|\((?:Native Method|Unknown Source)\))$|\[string ".*"\]:\d+: in\b|\[C\]: in\b|\d+: [\w:<>{}]+::|[\w./-]+\.(?:go|rs|py|js|ts|java|lua|c|cc|cpp):\d+(?::\d+)?(?: \+0x[0-9a-f]+.*)?$|goroutine \d+ \[|[\w./*()-]+\.\w+\((?:[^()]*|\{.*\})\)$|stack traceback:$|runtime stack:$)/;

/** Splits a paste into salient error lines, prose and commands; long pastes keep their salient lines. */
export function extract(paste: string): Extracted {
  let raw = stripAnsi(paste).replace(/\r\n?/g, '\n').split('\n');
  let truncated = false;
  if (raw.length > MAX_LINES) {
    truncated = true;
    const keep = new Set<number>();
    raw.forEach((l, i) => {
      if (i < 40 || i >= raw.length - 40 || ERROR_LEVEL.test(l)) keep.add(i);
    });
    raw = raw.filter((_, i) => keep.has(i)).slice(0, MAX_LINES);
  }
  const lines: string[] = [];
  const prose: string[] = [];
  const commands: string[] = [];
  const frames: string[] = [];
  let inPythonFrame = false;
  const candidates: SalientLine[] = [];
  for (const line of raw) {
    const text = line.length > 2000 ? line.slice(0, 2000) : line;
    if (SEPARATOR.test(text)) continue;
    if (PROMPT.test(text)) {
      commands.push(text.replace(PROMPT, (m) => m.slice(m.search(/\S+$/))).trim());
      lines.push(text.trim());
      continue;
    }
    lines.push(text.trim());
    // Python prints the source line, indented deeper, under each frame.
    const body = text.replace(COMPOSE_PREFIX, '');
    const pythonSource = inPythonFrame && /^\s{4,}\S/.test(body);
    inPythonFrame = /^\s*File ".+", line \d+/.test(body);
    if (pythonSource || STACK_FRAME.test(body)) {
      frames.push(text.trim());
      continue;
    }
    let weight = 0;
    if (ERROR_LEVEL.test(text)) weight = 3;
    else if (WARN_LEVEL.test(text)) weight = 2;
    else if (TROUBLE.test(text)) weight = 2;
    if (weight > 0 && TROUBLE.test(text)) weight += 0.5;
    if (isProse(text)) prose.push(text.trim());
    if (weight > 0) candidates.push({ text: text.trim(), template: lineTemplate(text), weight, index: lines.length - 1 });
  }
  // Keep the strongest lines, one per template, in paste order.
  const seen = new Set<string>();
  const unique = candidates.filter((c) => !seen.has(c.template) && seen.add(c.template));
  const salient = [...unique]
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .slice(0, MAX_SALIENT)
    .sort((a, b) => a.index - b.index);
  return { lines, salient, prose, commands, frames, truncated };
}

/** A sentence someone wrote: mostly plain words, not a log record. */
function isProse(text: string): boolean {
  const words = text.trim().split(/\s+/);
  if (words.length < 5) return false;
  const plain = words.filter((w) => /^[A-Za-z'’,.?!()~-]+$/.test(w)).length;
  return plain / words.length >= 0.7 && !startsWithLevel(text, true);
}
