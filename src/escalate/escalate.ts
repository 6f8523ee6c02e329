import type { RecordStore } from '../store/records.js';
import { issueDraft, issueWording, occurrenceComment, threadKey, threadMarker, type EscalationInput } from './issue-body.js';
import type { LlmClient } from '../llm/client.js';
import { narrate } from '../llm/narrate.js';
import type { TrackedIssue, Tracker } from './tracker.js';

export interface EscalationPolicy {
  /** What to do when the matching issue is closed but recent: reopen it, or only comment. */
  onClosed: 'reopen' | 'comment';
  /** A closed issue older than this gets a new issue that links it. */
  recentDays: number;
}

export interface EscalationResult {
  action: 'created' | 'commented' | 'reopened';
  number: number;
  url: string;
  where: string;
  tracker: 'github' | 'file';
  /** The closed issue a new one replaces. */
  previous: number | null;
}

/**
 * Escalates an error once per fingerprint: looks first (the Redis map, the fingerprint label,
 * then search), comments on an open match, reopens or comments on a recently closed one, and
 * creates only when nothing matches. Every step checks for this thread's marker, so a job
 * retried after a timeout or a 5xx never creates or comments twice.
 */
export async function escalate(input: EscalationInput, tracker: Tracker, store: RecordStore, policy: EscalationPolicy, llm: LlmClient | null = null): Promise<EscalationResult> {
  const where = tracker.where(input.system);
  const key = threadKey(input);
  const mark = threadMarker(key);
  const result = (action: EscalationResult['action'], issue: TrackedIssue, previous: number | null = null): EscalationResult => ({ action, number: issue.number, url: issue.url, where, tracker: tracker.kind, previous });

  const known = await store.getEscalation(input.fingerprint);
  let issue = known && known.where === where ? await tracker.get(where, known.number) : null;
  issue ??= await tracker.find(where, input.fingerprint);
  let previous: number | null = null;
  if (issue) {
    // This thread already made it, or already added its occurrence (a retried job).
    if (issue.body.includes(mark)) return remember(store, input.fingerprint, result('created', issue));
    const comments = await tracker.comments(where, issue.number);
    if (comments.some((c) => c.includes(mark))) return remember(store, input.fingerprint, result('commented', issue));
    const recent = issue.closedAt === null || Date.now() - Date.parse(issue.closedAt) < policy.recentDays * 86_400_000;
    if (issue.state === 'open' || recent) {
      await tracker.comment(where, issue.number, occurrenceComment(input, key));
      if (issue.state === 'closed' && policy.onClosed === 'reopen') {
        await tracker.reopen(where, issue.number);
        return remember(store, input.fingerprint, result('reopened', { ...issue, state: 'open' }));
      }
      return remember(store, input.fingerprint, result('commented', issue));
    }
    previous = issue.number;
  }
  const { fallback, values } = issueWording(input);
  const worded = await narrate(llm, 'escalation', values, fallback, 400);
  const draft = issueDraft(input, key, worded.by === 'model' ? (worded.fields as { title: string; summary: string }) : null);
  const body = previous ? `${draft.body}\n\nPreviously tracked in #${previous} (closed).` : draft.body;
  const created = await tracker.create(where, draft.title, body, draft.labels);
  return remember(store, input.fingerprint, result('created', created, previous));
}

async function remember(store: RecordStore, fingerprint: string, r: EscalationResult): Promise<EscalationResult> {
  await store.setEscalation(fingerprint, { where: r.where, number: r.number, url: r.url, action: r.action, at: new Date().toISOString() });
  return r;
}

/** What the thread is told. */
export function escalationSummary(r: EscalationResult): string {
  const ref = r.tracker === 'github' ? `#${r.number} (${r.url})` : `${r.url}`;
  if (r.action === 'created') return r.tracker === 'github' ? `Opened ${ref}${r.previous ? `, following the closed #${r.previous}` : ''}.` : `No GITHUB_TOKEN is set: the issue was written to ${ref}.`;
  if (r.action === 'reopened') return `Already tracked in ${ref}: reopened it and added this occurrence.`;
  return `Already tracked in ${ref}: added this occurrence as a comment.`;
}
