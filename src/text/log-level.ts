/** The words loggers print for a level, in the spellings seen in the wild. */
const LEVEL_WORDS = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'WARNING', 'WRN', 'ERROR', 'ERR', 'FATAL', 'FTL', 'CRIT', 'CRITICAL', 'PANIC', 'EMERG', 'ALERT', 'SEVERE'] as const;
/** The common ones, which a line starts with when it is a log record rather than prose or a command. */
const LEADING_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
/** Upper-case level words that mark a file as a log wherever they stand. */
const MENTIONED_LEVELS = [...LEADING_LEVELS, 'WARNING', 'FATAL'];
/** The level words a log line's prefix may carry, short forms included (`INF`, `DBG`): stripped to reach its message. */
const PREFIX_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'WARNING', 'ERROR', 'ERR', 'WRN', 'INF', 'DBG', 'FATAL', 'CRIT'];
/** The level names of Python's logging module, which its default format prints first. */
const PYTHON_LEVELS = ['ERROR', 'WARNING', 'INFO', 'DEBUG', 'CRITICAL'];
const words = (list: readonly string[]) => list.join('|');

/** A level word, as a regex alternation: for patterns that match a logger's whole line shape. */
export const LEADING_LEVEL_WORDS = words(LEADING_LEVELS);
export const PYTHON_LEVEL_WORDS = words(PYTHON_LEVELS);

/** A log line's prefix: timestamps (already masked to TIMESTAMP), a level, and a logger target (`a::b:`, `a.b:`). */
export const LOG_PREFIX = new RegExp(`^\\s*(?:TIMESTAMP\\s*)*(?:\\[?\\s*(?:${words(PREFIX_LEVELS)})\\s*\\]?:?\\s+)?(?:[\\w-]+(?:(?:::|\\.)[\\w-]+)+:\\s+)?`, 'i');

/** The first level a log line declares, wherever its logger put it (capture groups hold the word). */
export const LEVEL_WORD = new RegExp(`\\b(${words(LEVEL_WORDS)})\\b|\\blevel=(\\w+)|"(?:level|severity)":\\s*"(\\w+)"|\\[(trace|debug|info|warn|warning|error|fatal)\\]|^([IWEF])\\d{4} `, 'i');

/** A level word in upper case anywhere, or a structured level: a file of such lines is a log. */
export const LEVEL_MENTION = new RegExp(`\\b(?:${words(MENTIONED_LEVELS)})\\b|level=\\w+|"level":`);

const LEADING = `^\\W*(?:${words(LEADING_LEVELS)}|level=)`;
const LEADING_UPPER = new RegExp(LEADING);
const LEADING_ANY_CASE = new RegExp(LEADING, 'i');

/** Whether text opens the way a log record does (`ERROR ...`, `level=...`); `anyCase` also takes `Error ...`. */
export function startsWithLevel(text: string, anyCase = false): boolean {
  return (anyCase ? LEADING_ANY_CASE : LEADING_UPPER).test(text.trim());
}

/** Sample output: every line of it a log record. */
export function isLogSample(text: string): boolean {
  const lines = text.split('\n').filter((l) => l.trim());
  return lines.length > 0 && lines.every((l) => LEVEL_WORD.test(l));
}
