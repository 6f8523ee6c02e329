import type { z } from 'zod';
import type { Messenger } from '../progress.js';
import { parseJob, type ReplyTarget } from '../queue/jobs.js';
import type { WorkQueue } from '../queue/names.js';
import type { Producer } from '../queue/producer.js';
import type { Reply } from '../reply/reply.js';
import type { JobContext, JobDeps, RunningProcessor } from './job.js';
import { PROCESSORS, type Processors } from './index.js';

/** The daily digest's scheduler id. */
const DIGEST_SCHEDULER_ID = 'daily-digest';

/** What a queue's job carries, as a caller writes it (defaults not yet applied). */
export type JobInput<Q extends WorkQueue> = z.input<Processors[Q]['schema']>;

/** A job that ran here: the reply it posted (progress edits went to the messenger) and its result. */
export interface InlineRun {
  reply: Reply | null;
  answerId?: string;
  value: unknown;
}

/**
 * The one way work is started: onto its queue when Redis is there (the answer then reaches the
 * thread through the outbox), or run here with the same processor when it is not.
 */
export class Dispatcher {
  private readonly running = new Map<WorkQueue, RunningProcessor<never>>();

  constructor(
    /** Where jobs go when Redis is there; null runs them in this process. */
    private readonly producer: Producer | null,
    private readonly deps: JobDeps,
  ) {}

  /** Whether jobs go to workers. */
  get queued(): boolean {
    return this.producer !== null;
  }

  /** Enqueued: null. In process: what the job answered, with progress edits sent to `messenger`. */
  async run<Q extends WorkQueue>(queue: Q, input: JobInput<Q>, o: { messenger?: Messenger | null } = {}): Promise<InlineRun | null> {
    const p = PROCESSORS[queue];
    const data = parseJob(queue, p.schema, input);
    if (this.producer) {
      await this.producer.add(queue, p.jobName, data, p.jobId?.(data as never));
      return null;
    }
    const out: InlineRun = { reply: null, value: undefined };
    const ctx: JobContext = {
      name: p.jobName,
      inline: true,
      lastAttempt: true,
      childValues: async () => [],
      async deliver(d) {
        if (!d.edit) {
          out.reply = d.reply;
          if (d.answerId) out.answerId = d.answerId;
        } else if (o.messenger) await o.messenger.edit(d.edit, d.reply);
      },
    };
    out.value = await this.processor(queue).run(data as never, ctx);
    return out;
  }

  /** Through a worker, waiting for its result (`--queue` in the CLI); in process without Redis. */
  async runAndWait<Q extends WorkQueue>(queue: Q, input: JobInput<Q>, timeoutMs = 120_000): Promise<unknown> {
    if (!this.producer) return (await this.run(queue, input))!.value;
    const p = PROCESSORS[queue];
    const data = parseJob(queue, p.schema, input);
    return this.producer.addAndWait(queue, p.jobName, data, p.jobId?.(data as never), timeoutMs);
  }

  /** How many workers consume a queue (0 in process). */
  async consumers(queue: WorkQueue): Promise<number> {
    return this.producer ? this.producer.consumers(queue) : 0;
  }

  /**
   * Registers the daily digest, posting to `targets`. Idempotent by id: every bot process may call
   * it, one scheduler results. In process there is no scheduler: `/digest` and `medic digest` remain.
   */
  async scheduleDigest(targets: ReplyTarget[]): Promise<void> {
    const { cron, timezone } = this.deps.cfg.digest;
    await this.producer?.scheduleDigest(DIGEST_SCHEDULER_ID, { pattern: cron, tz: timezone }, targets);
  }

  private processor(queue: WorkQueue): RunningProcessor<never> {
    let p = this.running.get(queue);
    if (!p) this.running.set(queue, (p = PROCESSORS[queue].create(this.deps) as RunningProcessor<never>));
    return p;
  }

  async close(): Promise<void> {
    await this.producer?.close();
  }
}
