import { createHash } from 'node:crypto';
import { lineTemplate } from '../text/mask.js';
import type { Extracted } from './extract.js';

/**
 * A stable hash of the paste's strongest error templates: timestamps, ids, peer ids, IPs,
 * ports, paths and numbers are masked, duplicates dropped and the set sorted, so the same
 * error pasted from another node on another day hashes the same.
 */
export function fingerprint(x: Extracted): string {
  let templates: string[];
  if (x.salient.length > 0) {
    const top = Math.max(...x.salient.map((s) => s.weight));
    templates = x.salient.filter((s) => s.weight === top).map((s) => s.template);
  } else {
    templates = x.lines.slice(0, 5).map(lineTemplate);
  }
  const key = [...new Set(templates.filter(Boolean))].sort().slice(0, 8).join('\n');
  return 'fp_' + createHash('sha256').update(key).digest('hex').slice(0, 16);
}
