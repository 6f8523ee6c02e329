/** The first level a log line declares, wherever its logger put it (capture groups hold the word). */
export const LEVEL_WORD =
  /\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|WRN|ERROR|ERR|FATAL|FTL|CRIT|CRITICAL|PANIC|EMERG|ALERT|SEVERE)\b|\blevel=(\w+)|"(?:level|severity)":\s*"(\w+)"|\[(trace|debug|info|warn|warning|error|fatal)\]|^([IWEF])\d{4} /i;

/** Sample output: every line of it a log record. */
export function isLogSample(text: string): boolean {
  const lines = text.split('\n').filter((l) => l.trim());
  return lines.length > 0 && lines.every((l) => LEVEL_WORD.test(l));
}
