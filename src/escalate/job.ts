import type { ProblemCard } from '../knowledge/card.js';
import type { EscalationJob } from '../queue/jobs.js';
import { keptPaste } from '../text/redact.js';
import { displayTitle } from '../triage/answer.js';

/** The sections tried before escalating that an issue lists, at most. */
const TRIED = 20;

/**
 * One escalation, as every front door asks for it (a button, /escalate, medic escalate): the
 * paste kept redacted, the section it matched and what people tried.
 */
export function escalationJob(o: {
  fingerprint: string;
  paste: string;
  system: string | null;
  card?: ProblemCard | undefined;
  confidence?: number;
  node?: string | null;
  tried?: string[];
  thread: EscalationJob['thread'];
  replyTo: EscalationJob['replyTo'];
  findings?: NonNullable<EscalationJob['findings']>;
}): EscalationJob {
  return {
    fingerprint: o.fingerprint,
    paste: keptPaste(o.paste),
    system: o.system ?? o.card?.guide ?? null,
    node: o.node ?? null,
    match: o.card ? { cardId: o.card.id, title: displayTitle(o.card), confidence: o.confidence ?? 0 } : null,
    tried: [...new Set(o.tried ?? [])].slice(0, TRIED),
    thread: o.thread,
    replyTo: o.replyTo,
    findings: o.findings ?? [],
  };
}
