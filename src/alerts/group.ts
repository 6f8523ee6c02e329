import { createHash } from 'node:crypto';
import type { Citation, ReplySection } from '../reply/reply.js';
import type { AlertEvent } from './payloads.js';
import { IDENTITY_LABELS, type AlertRoute } from './route.js';

/** A group's message and thread on one platform: the first message is edited, lines go in the thread. */
export interface AlertThreadRef {
  platform: 'discord' | 'slack';
  channelId: string;
  messageId: string;
  threadId: string;
  /** The answer record behind the first message's buttons. */
  answerId: string;
}

/** What triage made of the alert's text, kept so any process can draw the first message again. */
export interface AlertTriage {
  abstain: boolean;
  title: string;
  summary: string;
  sections: ReplySection[];
  citations: Citation[];
  cardId: string | null;
  fingerprint: string;
  confidence: number;
}

/** The node's checks as they came back for this group (kept apart: a worker writes them). */
export interface AlertChecks {
  at: string;
  node: string;
  title: string;
  table: string;
}

/** One alert, firing or resolved, on one node: one thread per platform, whatever the repeats. */
export interface AlertGroup {
  key: string;
  name: string;
  severity: string | null;
  node: string | null;
  system: string | null;
  /** How the node was found, or why none was. */
  how: string;
  /** The node has an ssh: block: diagnostics can be collected from it. */
  collectable?: boolean;
  labels: Record<string, string>;
  summary: string;
  description: string;
  link: string | null;
  status: 'firing' | 'resolved';
  /** This episode's start (a group that fires again after resolving starts a new one). */
  startsAt: string;
  lastAt: string;
  resolvedAt: string | null;
  /** When it fired (each notification), the latest last; for the digest. */
  firings: string[];
  /** Notifications in this episode after the first. */
  repeats: number;
  /** Changes not posted as a line yet (rate-limited): the next line counts them. */
  folded: number;
  lastLineAt: string | null;
  silencedUntil: string | null;
  /** The latest lines, for the first message's history. */
  history: string[];
  triage: AlertTriage | null;
  threads: AlertThreadRef[];
  /** The notification applied last: a retry of it is delivered again, not counted twice. */
  lastEvent?: string;
}

/** What a notification did to its group. */
export type AlertChange = 'opened' | 'repeat' | 'resolved' | 'refired' | 'ignored';

const KEEP_FIRINGS = 200;
const KEEP_HISTORY = 8;

/** The group's identity: the alert's name and the node's, so repeats from any sender land in one thread. */
export function groupKey(a: AlertEvent, route: AlertRoute): string {
  const identity = route.node ?? IDENTITY_LABELS.map((l) => (a.node && l === 'node' ? a.node : a.labels[l]) ?? '').join('\u0000');
  return `al_${createHash('sha256').update(`${a.name}\u0000${identity}`).digest('hex').slice(0, 16)}`;
}

/** "14 min", "2 h 5 min", "40 s". */
export function lasted(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

const clock = (iso: string): string => `${iso.slice(11, 16)} UTC`;

/**
 * A notification applied to its group: the new state, and the line to post in the thread (null
 * for none: the first message is the thread, a silence is on, or the group posted one within
 * `lineEverySeconds`, in which case the change is counted into the next line).
 */
export function applyAlert(prev: AlertGroup | null, a: AlertEvent, route: AlertRoute, now: Date, lineEverySeconds: number): { group: AlertGroup; change: AlertChange; line: string | null } {
  const at = now.toISOString();
  if (!prev) {
    const group: AlertGroup = {
      key: groupKey(a, route),
      name: a.name,
      severity: a.severity,
      node: route.node,
      system: route.system,
      how: route.how,
      labels: a.labels,
      summary: a.summary,
      description: a.description,
      link: a.link,
      status: a.status,
      startsAt: a.startsAt,
      lastAt: at,
      resolvedAt: a.status === 'resolved' ? (a.endsAt ?? at) : null,
      firings: a.status === 'firing' ? [at] : [],
      repeats: 0,
      folded: 0,
      lastLineAt: null,
      silencedUntil: null,
      history: [`${clock(a.startsAt)} firing`],
      triage: null,
      threads: [],
    };
    // A resolution for a group never seen firing (Medic was not listening then) opens nothing.
    return { group, change: a.status === 'firing' ? 'opened' : 'ignored', line: null };
  }
  const g: AlertGroup = { ...prev, lastAt: at, labels: { ...prev.labels, ...a.labels }, severity: a.severity ?? prev.severity, summary: a.summary || prev.summary, description: a.description || prev.description };
  let change: AlertChange;
  let text: string;
  if (a.status === 'firing' && prev.status === 'firing') {
    change = 'repeat';
    g.repeats++;
    g.firings = [...prev.firings, at].slice(-KEEP_FIRINGS);
    text = `firing again (${g.repeats + 1} notifications since ${clock(g.startsAt)})`;
  } else if (a.status === 'firing') {
    change = 'refired';
    const quiet = prev.resolvedAt ? Date.parse(a.startsAt) - Date.parse(prev.resolvedAt) : 0;
    Object.assign(g, { status: 'firing', startsAt: a.startsAt, resolvedAt: null, repeats: 0, firings: [...prev.firings, at].slice(-KEEP_FIRINGS) });
    text = `firing again${quiet > 0 ? ` after ${lasted(quiet)} resolved` : ''}`;
  } else if (prev.status === 'firing') {
    change = 'resolved';
    const end = a.endsAt ?? at;
    Object.assign(g, { status: 'resolved', resolvedAt: end });
    text = `resolved after ${lasted(Date.parse(end) - Date.parse(g.startsAt))}`;
  } else return { group: g, change: 'ignored', line: null };

  const silenced = g.silencedUntil !== null && Date.parse(g.silencedUntil) > now.getTime();
  const tooSoon = g.lastLineAt !== null && now.getTime() - Date.parse(g.lastLineAt) < lineEverySeconds * 1000;
  g.history = [...prev.history, `${clock(at)} ${text}`].slice(-KEEP_HISTORY);
  if (silenced || tooSoon) {
    g.folded++;
    return { group: g, change, line: null };
  }
  const more = g.folded ? ` (and ${g.folded} earlier change${g.folded === 1 ? '' : 's'} not posted: this alert is flapping or silenced)` : '';
  g.folded = 0;
  g.lastLineAt = at;
  return { group: g, change, line: `${text[0]!.toUpperCase()}${text.slice(1)}${more}.` };
}
