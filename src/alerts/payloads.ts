import { z } from 'zod';
import { redactText } from '../text/redact.js';

/** One alert as Medic keeps it, whichever tool sent it. Text is redacted on the way in. */
export interface AlertEvent {
  source: 'alertmanager' | 'generic';
  status: 'firing' | 'resolved';
  /** `alertname`, or the generic title. */
  name: string;
  severity: string | null;
  summary: string;
  description: string;
  labels: Record<string, string>;
  /** When it started firing (ISO). */
  startsAt: string;
  /** When it ended, for a resolved alert. */
  endsAt: string | null;
  /** Where the alert came from (Alertmanager's generatorURL). */
  link: string | null;
  /** A node the sender named outright (the generic `node` field). */
  node: string | null;
}

const Labels = z.record(z.string().max(200), z.string().max(2000));
const Time = z.iso.datetime({ offset: true, error: 'an RFC 3339 time such as 2026-12-07T17:00:00Z' });

/** Alertmanager's webhook payload, version 4 (its fields beyond these are ignored). */
export const AlertmanagerPayload = z.object({
  version: z.literal('4', { error: 'version "4" (the Alertmanager webhook format Medic reads)' }),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(200).optional(),
  groupKey: z.string().max(2000).optional(),
  groupLabels: Labels.default({}),
  commonLabels: Labels.default({}),
  commonAnnotations: Labels.default({}),
  externalURL: z.string().max(2000).optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: Labels.refine((l) => typeof l.alertname === 'string' && l.alertname.length > 0, 'an alertname label'),
        annotations: Labels.default({}),
        startsAt: Time,
        endsAt: z.string().max(64).optional(),
        generatorURL: z.string().max(2000).optional(),
        fingerprint: z.string().max(64).optional(),
      }),
    )
    .min(1, 'at least one alert')
    .max(500, 'at most 500 alerts in one notification'),
});

/** What any tool can send: Gatus' custom alert, Uptime Kuma's webhook, Grafana's contact point. */
export const GenericPayload = z.object({
  title: z.string().trim().min(1, 'a title').max(300),
  text: z.string().max(20_000).default(''),
  severity: z.string().max(40).optional(),
  node: z.string().max(200).optional(),
  labels: Labels.default({}),
  status: z.enum(['firing', 'resolved']).default('firing'),
});

/** Alertmanager's "no end yet" (`0001-01-01T00:00:00Z`) and anything unreadable are no end. */
function endOf(s: string | undefined): string | null {
  if (!s || s.startsWith('0001-')) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

const clean = (s: string | undefined, max: number): string => redactText((s ?? '').trim()).slice(0, max);

/** Label values are evidence for routing, and they are shown: redacted like text. */
function cleanLabels(l: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(l).map(([k, v]) => [k, clean(v, 300)]));
}

export function fromAlertmanager(p: z.infer<typeof AlertmanagerPayload>): AlertEvent[] {
  return p.alerts.map((a) => {
    const labels = cleanLabels({ ...p.commonLabels, ...a.labels });
    const notes = { ...p.commonAnnotations, ...a.annotations };
    return {
      source: 'alertmanager',
      status: a.status,
      name: labels.alertname!,
      severity: labels.severity ?? null,
      summary: clean(notes.summary ?? notes.message ?? notes.title, 1000),
      description: clean(notes.description ?? '', 4000),
      labels,
      startsAt: new Date(Date.parse(a.startsAt)).toISOString(),
      endsAt: a.status === 'resolved' ? (endOf(a.endsAt) ?? new Date().toISOString()) : null,
      link: a.generatorURL ?? null,
      node: null,
    };
  });
}

export function fromGeneric(p: z.infer<typeof GenericPayload>, now = new Date()): AlertEvent[] {
  return [
    {
      source: 'generic',
      status: p.status,
      name: clean(p.title, 300),
      severity: p.severity ?? null,
      summary: clean(p.title, 300),
      description: clean(p.text, 4000),
      labels: cleanLabels(p.labels),
      startsAt: now.toISOString(),
      endsAt: p.status === 'resolved' ? now.toISOString() : null,
      link: null,
      node: p.node ?? null,
    },
  ];
}

/** An AlertEvent as it travels through the alerts queue: checked again when it comes out. */
export const AlertEventSchema = z
  .object({
    source: z.enum(['alertmanager', 'generic']),
    status: z.enum(['firing', 'resolved']),
    name: z.string().min(1),
    severity: z.string().nullable(),
    summary: z.string(),
    description: z.string(),
    labels: z.record(z.string(), z.string()),
    startsAt: z.string(),
    endsAt: z.string().nullable(),
    link: z.string().nullable(),
    node: z.string().nullable(),
  })
  .strict();
