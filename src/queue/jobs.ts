import { z } from 'zod';
import { UnrecoverableError } from 'bullmq';
import { problems } from '../text/problems.js';
import { PASTE_LIMIT } from '../text/redact.js';
import { UNIT } from '../checks/spec.js';

/** Where a worker's result should be posted: a chat thread, through the outbox. */
export const ReplyTargetSchema = z.object({ platform: z.enum(['discord', 'slack', 'console']), channelId: z.string().min(1), threadId: z.string().nullable() });
export type ReplyTarget = z.infer<typeof ReplyTargetSchema>;

/**
 * A request to run a registered node's checks. It names a node and checks from medic.yaml,
 * never a URL, host, port or command: a job cannot make a worker reach anything else.
 */
export const CheckJobSchema = z
  .object({
    node: z.string().regex(/^[\w.-]+$/, 'a node name'),
    checks: z.array(z.string().regex(/^[\w.-]+$/, 'a check name')).optional(),
    /** Run the checks a guide card suggests (derived again by the worker) instead of the node's own. */
    card: z.string().regex(/^[\w.-]+#[\w./-]+$/, 'a card id').optional(),
    replyTo: ReplyTargetSchema.optional(),
    /** An alert group whose first messages show the results (instead of a reply in a thread). */
    alert: z.string().regex(/^al_[0-9a-f]{16}$/, 'an alert group').optional(),
  })
  .strict();
export type CheckJob = z.infer<typeof CheckJobSchema>;

/** Diagnostics to collect from a registered node over SSH; unit names only narrow its own list. */
export const CollectJobSchema = z
  .object({
    node: z.string().regex(/^[\w.-]+$/, 'a node name'),
    units: z.array(z.string().regex(UNIT, 'a unit name')).max(20).optional(),
    replyTo: ReplyTargetSchema.optional(),
    userId: z.string().default('unknown'),
  })
  .strict();
export type CollectJob = z.input<typeof CollectJobSchema>;

/** Retries with backoff and bounded history, for every queue. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential' as const, delay: 2000 },
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
};

/**
 * A bundle to analyze: a file the bot already downloaded into the shared uploads folder.
 * The worker reads only under that folder; progress edits the message `progressMessage`.
 */
export const BundleJobSchema = z
  .object({
    upload: z.string().regex(/^[\w-]+\/[\w.-]+$/, 'an upload id and file name'),
    name: z.string().min(1).max(255),
    replyTo: ReplyTargetSchema,
    progressMessage: z.string().nullable(),
    /** Who asked (kept with the report, for escalation). */
    userId: z.string().default('unknown'),
  })
  .strict();
export type BundleJob = z.input<typeof BundleJobSchema>;

/** An error to escalate to the tracker, keyed on its thread so a retry never doubles it. */
export const EscalationJobSchema = z
  .object({
    fingerprint: z.string().regex(/^fp_[0-9a-f]{16}$/, 'a fingerprint'),
    paste: z.string().max(PASTE_LIMIT),
    system: z.string().nullable(),
    node: z.string().nullable(),
    match: z.object({ cardId: z.string(), title: z.string(), confidence: z.number() }).nullable(),
    tried: z.array(z.string()).max(20),
    thread: z.object({ platform: z.string(), channelId: z.string(), threadId: z.string().nullable(), link: z.string().nullable() }).nullable(),
    replyTo: ReplyTargetSchema.nullable(),
    /** A bundle report's top findings, when the thread is a bundle's. */
    findings: z.array(z.object({ severity: z.string(), title: z.string(), evidence: z.string() })).max(10).default([]),
  })
  .strict();
export type EscalationJob = z.input<typeof EscalationJobSchema>;

/** A digest asked for in a thread goes there; the scheduled one goes to the targets the bot scheduled it with. */
export const DigestJobSchema = z.object({ replyTo: ReplyTargetSchema.nullable().default(null), targets: z.array(ReplyTargetSchema).default([]) });
export type DigestJob = z.input<typeof DigestJobSchema>;

/** A job's data checked against its schema: a bad job fails for good, since retrying cannot fix it. */
export function parseJob<S extends z.ZodType>(queue: string, schema: S, data: unknown): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError(`invalid ${queue} job: ${problems(parsed.error).join('; ')}`);
  return parsed.data;
}
