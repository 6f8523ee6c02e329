import { clip } from '../text/clip.js';
import { bareTitle, type ProblemCard } from '../knowledge/card.js';
import type { Citation, Reply, ReplySection } from '../reply/reply.js';
import type { Candidate } from './retrieve.js';
import { redactText } from '../text/redact.js';

export function displayTitle(card: ProblemCard): string {
  return bareTitle(card.title);
}

export function citation(card: ProblemCard): Citation {
  return { cardId: card.id, guide: card.guide, file: card.source ?? `knowledge/${card.guide}.md`, heading: card.title, path: card.path, lines: card.lines };
}

/** The answer for a match: why it matched, how to diagnose, how to fix, where it comes from. */
export function matchReply(top: Candidate, alternatives: Candidate[], confidence: number, fingerprint: string, notes: string[]): Reply {
  const card = top.card;
  const sections: ReplySection[] = [];
  if (top.why) {
    sections.push({
      heading: 'Why this matches',
      blocks: [{ type: 'text', text: `Your paste:  ${clip(redactText(top.why.pasteLine), 300)}\nThe guide:   ${clip(top.why.guideLine, 300)}` }],
    });
  }
  if (card.causes.length) sections.push({ heading: 'Likely causes', blocks: [{ type: 'text', text: card.causes.map((c) => `- ${c}`).join('\n') }] });
  if (card.diagnosis.commands.length) {
    sections.push({ heading: 'Diagnose', blocks: [{ type: 'code', lang: 'bash', text: card.diagnosis.commands.join('\n') }] });
  }
  if (card.solutions.length) sections.push({ heading: 'Fix', blocks: [{ type: 'steps', steps: card.solutions.map((s) => ({ text: s.text, code: s.code })) }] });
  if (alternatives.length) {
    sections.push({
      heading: 'Also possible',
      blocks: [{ type: 'text', text: alternatives.map((a) => `- ${displayTitle(a.card)} (${a.card.guide}) [${a.card.id}]`).join('\n') }],
    });
  }
  return {
    title: `${displayTitle(card)} (${card.guide})`,
    summary: `Matched "${card.path.join(' > ')}" in ${card.source ? `the ${card.guide} runbook ${card.source}` : `the ${card.guide} guide`}, confidence ${confidence.toFixed(2)}.`,
    sections,
    citations: [citation(card)],
    actions: [
      { id: 'fixed', label: 'Fixed it', value: `${fingerprint}|${card.id}` },
      { id: 'not-it', label: 'Not it', value: `${fingerprint}|${card.id}` },
      { id: 'escalate', label: 'Escalate', value: fingerprint },
      ...(alternatives.length ? [{ id: 'show-more' as const, label: 'Show alternatives', value: alternatives.map((a) => a.card.id).join(',') }] : []),
    ],
    attachments: [],
    notes,
  };
}

/** The honest answer when no guide section has enough evidence. */
export function abstainReply(system: string | null, near: Candidate[], fingerprint: string, notes: string[], offerPick = false): Reply {
  const sections: ReplySection[] = [];
  if (near.length) {
    sections.push({
      heading: 'Closest sections (weak evidence)',
      blocks: [{ type: 'text', text: near.map((c) => `- ${displayTitle(c.card)} (${c.card.guide}) [${c.card.id}]`).join('\n') }],
    });
  }
  return {
    title: 'No guide section matches this paste',
    summary: system
      ? `It looks like ${system} output, but none of the guide's problems fits what it shows.`
      : 'None of the guides describes this error.',
    sections,
    citations: [],
    // No section fits: if someone in the thread finds the fix, it can be kept for next time.
    actions: [
      ...(offerPick && near.length ? [{ id: 'show-more' as const, label: 'Pick a section', value: fingerprint }] : []),
      { id: 'escalate', label: 'Escalate', value: fingerprint },
      { id: 'save-fix', label: 'Save this fix', value: fingerprint },
    ],
    attachments: [],
    notes,
  };
}

