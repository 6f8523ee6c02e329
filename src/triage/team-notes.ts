import { randomBytes } from 'node:crypto';
import type { TeamNote } from '../store/records.js';
import { clip } from '../text/clip.js';
import { redactText } from '../text/redact.js';
import { extract } from './extract.js';
import { fingerprint } from './fingerprint.js';

/** The most error lines a note keeps from its paste: its strongest. */
const NOTE_LINES = 5;
export const NOTE_TITLE_CHARS = 100;
export const NOTE_FIX_CHARS = 4000;

/**
 * A team note from a paste and the fix a person wrote for it: the paste's strongest error lines
 * become what it matches on, and everything is redacted before it is kept.
 */
export function newNote(o: { title: string; fix: string; paste: string; system: string | null; link: string | null; savedBy: string }, now = new Date()): TeamNote {
  const x = extract(o.paste);
  const lines = (x.salient.length ? x.salient.map((s) => s.text) : x.lines).slice(0, NOTE_LINES);
  return {
    id: randomBytes(5).toString('hex'),
    title: clip(redactText(o.title.trim()), NOTE_TITLE_CHARS),
    fix: clip(redactText(o.fix.trim()), NOTE_FIX_CHARS),
    errorLines: lines.map((l) => redactText(l.trim())).filter(Boolean),
    system: o.system,
    fingerprint: fingerprint(x),
    link: o.link,
    savedBy: redactText(o.savedBy),
    savedAt: now.toISOString(),
  };
}
