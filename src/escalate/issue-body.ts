import type { CheckResult } from '../checks/run.js';
import { extract } from '../triage/extract.js';
import { messageOf } from '../text/mask.js';
import { keptPaste, redactText } from '../text/redact.js';

/** Everything Medic knows about an error worth a tracker issue. */
export interface EscalationInput {
  fingerprint: string;
  paste: string;
  system: string | null;
  node: string | null;
  match: { cardId: string; title: string; confidence: number } | null;
  /** Sections people said were not it, and what they picked. */
  tried: string[];
  thread: { platform: string; channelId: string; threadId: string | null; link: string | null } | null;
  checks: CheckResult[];
  findings: Array<{ severity: string; title: string; evidence: string }>;
}

export interface IssueDraft {
  title: string;
  body: string;
  labels: string[];
}

const MAX_SALIENT = 12;

export function fingerprintLabel(fp: string): string {
  return `medic:${fp}`;
}

export function fingerprintMarker(fp: string): string {
  return `<!-- medic-fingerprint: ${fp} -->`;
}

/** Marks an issue or comment as made for one thread, so a retried job can tell it already did. */
export function threadMarker(key: string): string {
  return `<!-- medic-thread: ${key} -->`;
}

export function threadKey(input: EscalationInput): string {
  return input.thread ? `${input.thread.platform}:${input.thread.channelId}:${input.thread.threadId ?? '-'}` : `cli:${input.fingerprint}`;
}

function threadLine(input: EscalationInput): string {
  if (!input.thread) return 'Escalated from the command line.';
  const where = `${input.thread.platform} channel ${input.thread.channelId}${input.thread.threadId ? `, thread ${input.thread.threadId}` : ''}`;
  return input.thread.link ? `[The chat thread](${input.thread.link}) (${where})` : `The chat thread: ${where}`;
}

/** Versions the paste mentions (`v1.4.2`, `llmspell 0.9.0`). */
function versions(paste: string): string[] {
  return [...new Set([...paste.matchAll(/\b([A-Za-z][\w-]*)[ /:@]v?(\d+\.\d+\.\d+(?:[-+][\w.]+)?)\b/g)].map((m) => `${m[1]} ${m[2]}`))].slice(0, 5);
}

/**
 * The issue, in the guides' own error-reporting template (Environment, Description, Steps to
 * Reproduce, Expected, Actual, Debug Output), filled from what Medic knows. Everything in it is
 * redacted, and it carries the fingerprint as a label and a marker for dedupe.
 */
export function issueDraft(input: EscalationInput, key = threadKey(input), wording: { title: string; summary: string } | null = null): IssueDraft {
  const paste = keptPaste(input.paste);
  const x = extract(paste);
  const salient = x.salient.slice(0, MAX_SALIENT).map((s) => s.text);
  // The title names the problem Medic matched and the paste's strongest error line, in its own words.
  const strongest = [...x.salient].sort((a, b) => b.weight - a.weight || a.index - b.index)[0]?.text ?? x.lines[0] ?? 'error';
  const headline = messageOf(strongest.replace(/^\S*\d{2}:\d{2}:\d{2}\S*\s+/, '')).trim();
  const title = wording ? wording.title.slice(0, 120) : `${input.system ? `[${input.system}] ` : ''}${input.match ? `${input.match.title}: ` : ''}${headline}`.slice(0, 120);
  const env = [
    `- System: ${input.system ?? 'unknown'}`,
    `- Node: ${input.node ?? 'not named'}`,
    ...versions(paste).map((v) => `- Version seen: ${v}`),
  ];
  const steps = x.commands.length ? x.commands.map((c, i) => `${i + 1}. \`${c}\``) : ['Not known yet: the paste shows no commands.'];
  const triage = input.match
    ? [`Matched **${input.match.title}** (\`${input.match.cardId}\`, confidence ${input.match.confidence.toFixed(2)}).`]
    : ['No guide section matched with enough evidence.'];
  if (input.tried.length) triage.push(`Tried and not it: ${input.tried.map((t) => `\`${t}\``).join(', ')}.`);
  const failing = input.checks.filter((c) => c.status !== 'pass');
  const body = [
    fingerprintMarker(input.fingerprint),
    threadMarker(key),
    '## Environment',
    ...env,
    '',
    '## Description',
    ...(wording ? [wording.summary, ''] : []),
    `${input.system ?? 'A node'} reports \`${headline.slice(0, 200)}\`. Escalated by Medic; fingerprint \`${input.fingerprint}\`.`,
    '',
    '## Steps to Reproduce',
    ...steps,
    '',
    '## Expected Behavior',
    'The service runs without this error.',
    '',
    '## Actual Behavior',
    salient.length ? salient.slice(0, 3).map((s) => `- \`${s.slice(0, 300)}\``).join('\n') : `- \`${headline}\``,
    '',
    '## Debug Output',
    '```',
    ...(salient.length ? salient : x.lines.slice(0, MAX_SALIENT)),
    '```',
    '',
    '<details><summary>Full paste (redacted)</summary>',
    '',
    '```',
    paste.replace(/```/g, '`\u200b``'),
    '```',
    '',
    '</details>',
    '',
    "## Medic's triage",
    ...triage,
    '',
    ...(input.checks.length
      ? ['## Check results', failing.length ? failing.map((c) => `- ${c.status.toUpperCase()} ${c.node} / ${c.check}: ${c.message}`).join('\n') : `- All ${input.checks.length} recent checks passed.`, '']
      : []),
    ...(input.findings.length ? ['## Bundle findings', ...input.findings.map((f) => `- ${f.severity.toUpperCase()} ${f.title}: \`${f.evidence.slice(0, 200)}\``), ''] : []),
    '## Thread',
    threadLine(input),
  ].join('\n');
  const labels = ['medic', ...(input.system ? [input.system] : []), fingerprintLabel(input.fingerprint)];
  return { title: redactText(title), body: redactText(body), labels };
}

/** Medic's own title and summary, and what a model is given to write better ones. */
export function issueWording(input: EscalationInput): { fallback: { title: string; summary: string }; values: Record<string, string> } {
  const d = issueDraft(input);
  const x = extract(redactText(input.paste));
  const triage = input.match ? `matched "${input.match.title}" (${input.match.cardId}, confidence ${input.match.confidence.toFixed(2)})` : 'no guide section matched';
  return {
    fallback: { title: d.title, summary: `${input.system ?? 'A node'} fails with the error below; Medic ${triage}.` },
    values: { system: input.system ?? 'unknown', triage, paste: (x.salient.length ? x.salient.map((s) => s.text) : x.lines).slice(0, 20).join('\n').replace(/PASTE>>>/g, 'PASTE>>') },
  };
}

/** The comment for a new occurrence of an issue that exists. */
export function occurrenceComment(input: EscalationInput, key = threadKey(input)): string {
  const x = extract(redactText(input.paste));
  const lines = x.salient.slice(0, 5).map((s) => s.text);
  return redactText(
    [
      threadMarker(key),
      `Seen again (${new Date().toISOString()})${input.node ? ` on ${input.node}` : ''}.`,
      '',
      '```',
      ...(lines.length ? lines : x.lines.slice(0, 5)),
      '```',
      '',
      threadLine(input),
    ].join('\n'),
  );
}
