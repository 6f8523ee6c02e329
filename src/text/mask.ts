import { LOG_PREFIX } from './log-level.js';
/**
 * Masks for the variable parts of log lines. `identity` masks only what never carries
 * meaning (timestamps, ids, addresses); `template` also masks paths, numbers and quoted
 * values, so that the same error from another node on another day reads the same.
 */
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;

const IDENTITY_MASKS: Array<[RegExp, string]> = [
  // RFC 1123 / syslog / ISO 8601 / Go log timestamps.
  [/\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? \d{1,2} \w{3} \d{4} \d{2}:\d{2}:\d{2}(?: [+-]\d{4}| \w{3})?/g, ' TIMESTAMP '],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, ' TIMESTAMP '],
  [/\b\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?/g, ' TIMESTAMP '],
  [/\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{2}:\d{2}:\d{2}\b/g, ' TIMESTAMP '],
  [/\b\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s?(?:AM|PM)\b/gi, ' TIMESTAMP '],
  [/\b\d{2}:\d{2}:\d{2}(?:\.\d+)?\b/g, ' TIMESTAMP '],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, ' UUID '],
  // libp2p peer ids (and the guides' elided "12D3KooW..."), CIDv0 hashes.
  [/\b12D3KooW(?:[1-9A-HJ-NP-Za-km-z]{20,}|\.\.\.|…)/g, ' PEERID '],
  [/\bQm[1-9A-HJ-NP-Za-km-z]{44}\b/g, ' PEERID '],
  [/\bsha256:[0-9a-f]{16,}\b/gi, ' HEXID '],
  [/\b0x[0-9a-f]{6,}\b/gi, ' HEXID '],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{12,}\b/gi, ' HEXID '],
  [/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, ' IPADDR '],
  [/\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b/gi, ' IPADDR '],
  [/\b(?:[0-9a-f]{2}:){5}[0-9a-f]{2}\b/gi, ' MACADDR '],
];

const TEMPLATE_MASKS: Array<[RegExp, string]> = [
  [/(?:[a-z]+:\/\/)[^\s"'<>)]+/gi, ' MASKURL '],
  [/(?:~|\.{1,2})?(?:\/[\w.@+*-]+){2,}\/?/g, ' MASKPATH '],
  [/\bIPADDR:\d+\b/g, 'IPADDR'],
  // Quoted identifiers are values; quoted sentences are messages and stay.
  [/"[^"\s]{1,80}"|'[^'\s]{1,80}'/g, ' MASKVALUE '],
  [/\b\d+(?:\.\d+)?(?:ms|s|m|h|d|kB|KB|MB|GB|Mi|Gi|%)?\b/g, ' MASKNUM '],
  [/\b(?:\d+[hms])+\b/g, ' MASKNUM '],
];

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export function maskIdentity(text: string): string {
  let out = text;
  for (const [re, sub] of IDENTITY_MASKS) out = out.replace(re, sub);
  return out;
}

/**
 * A line with its variable names masked (URLs, paths, quoted identifiers) but its numbers
 * kept: exit codes, statuses and errnos are what an error line is about.
 */
export function errorTemplate(line: string): string {
  let out = maskIdentity(stripAnsi(line));
  for (const [re, sub] of TEMPLATE_MASKS.slice(0, 4)) out = out.replace(re, sub);
  return messageOf(out);
}

/** The message of a log line: its timestamp, level and logger target dropped. */
export function messageOf(line: string): string {
  const m = line.replace(LOG_PREFIX, '');
  return m.trim() ? m : line;
}

/** The template of one line: every variable part masked, whitespace collapsed, lower case. */
export function lineTemplate(line: string): string {
  let out = maskIdentity(stripAnsi(line));
  for (const [re, sub] of TEMPLATE_MASKS) out = out.replace(re, sub);
  return out
    .replace(/\b[a-z]+(?:[-_][a-z0-9]+)*-[a-z0-9]{5,10}(?:-[a-z0-9]{5})?\b/g, (m) => (/\d/.test(m) ? 'MASKNAME' : m))
    .replace(/\s+/g, ' ')
    .replace(/(?:\bMASKNUM\b[ ,]*){2,}/g, 'MASKNUM ')
    .trim()
    .toLowerCase();
}
