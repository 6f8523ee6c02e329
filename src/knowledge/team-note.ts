import type { TeamNote } from '../store/records.js';
import type { ProblemCard } from './card.js';
import { parseGuide } from './guide-parser.js';

/** The guide id of team notes (DESIGN.md, "Team note"). */
export const TEAM = 'team';

/**
 * A note as Markdown written like a guide section: what `medic notes export` writes, and what the
 * note is indexed from, so a note moved into a runbook folder reads exactly as it did.
 */
export function noteMarkdown(n: TeamNote): string {
  const from = n.link ? ` from ${n.link}` : '';
  return [
    `# Team note: ${n.title}`,
    '',
    `Saved by ${n.savedBy} on ${n.savedAt.slice(0, 10)}${from}${n.system ? ` (${n.system})` : ''}. Note ${n.id}, fingerprint ${n.fingerprint}.`,
    '',
    `#### Problem: ${n.title}`,
    '',
    '**Symptoms:**',
    '',
    '```',
    ...n.errorLines,
    '```',
    '',
    '**Solutions:**',
    '',
    n.fix.trim(),
    '',
  ].join('\n');
}

/** A note as a card: matched on its error lines, answered with its fix, cited as the thread it came from. */
export function noteCard(n: TeamNote): ProblemCard {
  const parsed = parseGuide(TEAM, noteMarkdown(n)).find((c) => c.kind !== 'reference');
  const base: ProblemCard = parsed ?? { id: '', guide: TEAM, title: n.title, path: [], kind: 'problem', symptoms: [], errorLines: n.errorLines, causes: [], diagnosis: { text: [], commands: [] }, solutions: [{ text: n.fix, code: [] }], commands: [], body: [], lines: { start: 1, end: 1 } };
  return { ...base, id: `${TEAM}#${n.id}`, title: n.title, path: ['Team notes', n.title], kind: 'problem', source: `Team note, saved ${n.link ? `from ${n.link} ` : ''}by ${n.savedBy}`, ...(n.system ? { system: n.system } : {}) };
}
