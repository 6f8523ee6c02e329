import type { Logger } from 'pino';
import type { FlowProducer } from 'bullmq';
import type { z } from 'zod';
import type { MedicConfig } from '../config.js';
import type { ProblemCard } from '../knowledge/card.js';
import type { LlmClient } from '../llm/client.js';
import type { ReplyTarget } from '../queue/jobs.js';
import type { WorkQueue } from '../queue/names.js';
import type { Reply } from '../reply/reply.js';
import type { RecordStore } from '../store/records.js';
import type { TriageEngine } from '../triage/engine.js';

/** An answer a job posts: a new message in `target`'s thread, or an edit of message `edit`. */
export interface Delivery {
  target: ReplyTarget | null;
  reply: Reply;
  edit?: string | null;
  /** The answer record behind the reply (its buttons act on it). */
  answerId?: string;
}

/** What a running job knows about how it runs: on a BullMQ worker, or here in this process. */
export interface JobContext {
  /** The job's name in its queue (a digest flow has `run` and `collect`). */
  name: string;
  /** In this process (embedded, the console, the CLI): nothing goes through Redis. */
  inline: boolean;
  /** No retry follows a failure of this attempt. */
  lastAttempt: boolean;
  /** Posts or edits: through the outbox on a worker, back to the caller in process. */
  deliver(d: Delivery): Promise<void>;
  /** A flow parent's children's results (empty in process, where there is no flow). */
  childValues(): Promise<unknown[]>;
}

/** At most a few checks at once against one node: across workers in Redis, in memory in process. */
export interface NodeSlotsLike {
  run<T>(node: string, leaseMs: number, fn: () => Promise<T>): Promise<T>;
}

/** What every processor may use: opened once per process. */
export interface JobDeps {
  cfg: MedicConfig;
  store: RecordStore;
  log: Logger;
  /** The triage engine, opened on first use. */
  engine: () => Promise<TriageEngine>;
  llm: LlmClient | null;
  /** A guide card by id, for jobs that run a card's suggested checks. */
  card: (id: string) => ProblemCard | undefined;
  slots: NodeSlotsLike;
  /** Starts flows on the queues (a worker); null in process, where a digest runs its checks itself. */
  flows: (() => FlowProducer) | null;
}

export interface RunningProcessor<T> {
  run(data: T, ctx: JobContext): Promise<unknown>;
}

/**
 * One queue's work, the same on a worker and in process: a queue is its file here and one
 * entry in the map. Its schema checks data where it is enqueued and again where it runs.
 */
export interface JobProcessor<S extends z.ZodType = z.ZodType> {
  queue: WorkQueue;
  schema: S;
  /** The BullMQ job name for a new job. */
  jobName: string;
  /** A job id that makes enqueueing idempotent (one job per upload, per thread and fingerprint). */
  jobId?(data: z.infer<S>): string;
  /** How many of its jobs one worker runs at once. */
  concurrency(cfg: MedicConfig): number;
  /** A lock longer than the default, for long jobs. */
  lockMs?(cfg: MedicConfig): number;
  create(deps: JobDeps): RunningProcessor<z.infer<S>>;
}
