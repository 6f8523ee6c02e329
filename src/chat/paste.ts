import { extract } from '../triage/extract.js';

/**
 * Whether a channel message reads like an error or a log paste rather than chatter.
 * Medic only speaks unasked to these.
 */
export function looksLikePaste(text: string): boolean {
  const x = extract(text);
  if (x.salient.length === 0) return false;
  const strongest = Math.max(...x.salient.map((s) => s.weight));
  const words = text.trim().split(/\s+/).length;
  return /```/.test(text) || x.lines.length >= 2 || strongest >= 3 || words >= 6;
}
