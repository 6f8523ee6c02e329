import { notice, type Reply, type ReplyAction, type ReplySection } from '../reply/reply.js';
import { clip } from '../text/clip.js';
import type { AlertChecks, AlertGroup, AlertTriage } from './group.js';

/** The labels people read first; the rest follow in name order. */
const FIRST_LABELS = ['alertname', 'severity', 'node', 'instance', 'job'];

function labelLine(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort((a, b) => {
    const ia = FIRST_LABELS.indexOf(a);
    const ib = FIRST_LABELS.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  return keys.map((k) => `${k}=${labels[k]}`).join('  ');
}

/**
 * The first message of an alert's thread: what fired where, what triage makes of it, the node's
 * checks, and the latest changes. Drawn again from the stored group on every change, by the bot
 * or by the worker whose checks came back; kept short enough to stay one chat message (the full
 * answer is the thread's first reply).
 */
export function alertHead(g: AlertGroup, checks: AlertChecks | null, now = new Date()): Reply {
  const state = g.status === 'firing' ? 'Firing' : 'Resolved';
  const where = g.node ?? g.labels.instance ?? g.labels.node ?? null;
  const silenced = g.silencedUntil && Date.parse(g.silencedUntil) > now.getTime() ? `; silenced until ${g.silencedUntil.slice(11, 16)} UTC` : '';
  const summary = [
    g.severity ? `Severity ${g.severity}` : null,
    `node ${g.node ?? 'unknown'} (${g.how})`,
    `since ${g.startsAt.replace('T', ' ').slice(0, 16)} UTC`,
    g.status === 'resolved' && g.resolvedAt ? `resolved ${g.resolvedAt.replace('T', ' ').slice(0, 16)} UTC` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  const sections: ReplySection[] = [
    {
      heading: 'Alert',
      blocks: [
        ...(g.summary ? [{ type: 'text' as const, text: clip(g.summary, 300) }] : []),
        ...(g.description && g.description !== g.summary ? [{ type: 'text' as const, text: clip(g.description, 400) }] : []),
        { type: 'code', lang: '', text: clip(labelLine(g.labels), 300) || '(no labels)' },
      ],
    },
  ];
  const t = g.triage;
  if (t && !t.abstain) sections.push({ heading: `Likely: ${t.title}`, blocks: [{ type: 'text', text: `${clip(t.summary, 300)} The fix is the first reply in the thread.` }] });
  else if (t) sections.push({ heading: 'Triage', blocks: [{ type: 'text', text: "No guide section matches this alert's text closely enough to suggest a fix." }] });
  const checkBlocks: ReplySection['blocks'] = !g.node
    ? [{ type: 'text', text: `Skipped: ${g.how}. Register the node in medic.yaml, or add a route under alerts.routes.` }]
    : checks
      ? [
          { type: 'text', text: `${checks.title} (${checks.at.replace('T', ' ').slice(0, 16)} UTC)` },
          { type: 'code', lang: '', text: clip(checks.table, 600) },
        ]
      : [{ type: 'text', text: `Running the checks of ${g.node}...` }];
  sections.push({ heading: 'Checks', blocks: checkBlocks });
  sections.push({ heading: 'History', blocks: [{ type: 'text', text: g.history.slice(-5).join('\n') }] });
  const actions: ReplyAction[] = [
    ...(g.node ? [{ id: 'recheck' as const, label: 'Run checks again' }] : []),
    ...(g.collectable ? [{ id: 'collect' as const, label: 'Collect diagnostics' }] : []),
    { id: 'escalate', label: 'Escalate' },
    { id: 'silence', label: 'Silence for 1 h' },
  ];
  return {
    title: `${state}: ${g.name}${where ? ` on ${where}` : ''}${silenced}`,
    summary,
    sections,
    citations: t && !t.abstain ? t.citations.slice(0, 1) : [],
    actions,
    attachments: [],
    notes: [],
  };
}

/** A line in the thread. */
export function alertLine(text: string): Reply {
  return notice(text, '');
}

/** The triage answer in full, the thread's first reply (the first message carries its title only). */
export function alertAnswer(t: AlertTriage): Reply {
  return { title: `Likely: ${t.title}`, summary: t.summary, sections: t.sections, citations: t.citations, actions: [], attachments: [], notes: [] };
}
