import { Queue, QueueEvents } from 'bullmq';
import type { RedisClient } from '../store/redis.js';
import type { CheckResult } from '../checks/run.js';
import { type BundleJob, BundleJobSchema, type CheckJob, CheckJobSchema, DEFAULT_JOB_OPTIONS, type EscalationJob, EscalationJobSchema, type ReplyTarget } from './jobs.js';
import { bullPrefix, QUEUES } from './names.js';
import { ownConnection } from './outbox.js';

/** Puts work on the queues; validated before it leaves the process. */
export class Producer {
  private readonly checks: Queue;
  private bundles: Queue | null = null;
  private escalations: Queue | null = null;
  private digest: Queue | null = null;
  private events: QueueEvents | null = null;
  private escalationEvents: QueueEvents | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly redisPrefix: string,
  ) {
    this.checks = new Queue(QUEUES.checks, { connection: ownConnection(redis), prefix: bullPrefix(redisPrefix), defaultJobOptions: DEFAULT_JOB_OPTIONS });
  }

  async enqueueBundle(job: BundleJob): Promise<string> {
    const data = BundleJobSchema.parse(job);
    this.bundles ??= new Queue(QUEUES.bundles, { connection: ownConnection(this.redis), prefix: bullPrefix(this.redisPrefix), defaultJobOptions: DEFAULT_JOB_OPTIONS });
    // One job per upload, however often the request is retried.
    const added = await this.bundles.add('analyze', data, { jobId: `bundle-${data.upload.split('/')[0]}` });
    return added.id!;
  }

  /** One job per thread and fingerprint: pressing Escalate twice does not escalate twice. */
  async enqueueEscalation(job: EscalationJob): Promise<import('bullmq').Job> {
    const data = EscalationJobSchema.parse(job);
    this.escalations ??= new Queue(QUEUES.escalations, { connection: ownConnection(this.redis), prefix: bullPrefix(this.redisPrefix), defaultJobOptions: DEFAULT_JOB_OPTIONS });
    const thread = data.thread ? `${data.thread.platform}-${data.thread.channelId}-${data.thread.threadId ?? 'channel'}` : `cli-${Date.now()}`;
    return this.escalations.add('escalate', data, { jobId: `escalate-${thread}-${data.fingerprint}`.replace(/:/g, '-') });
  }

  /** Enqueues and waits for the worker (`medic escalate` with Redis). */
  async runEscalation(job: EscalationJob, timeoutMs = 120_000): Promise<unknown> {
    this.escalationEvents ??= new QueueEvents(QUEUES.escalations, { connection: ownConnection(this.redis), prefix: bullPrefix(this.redisPrefix) });
    await this.escalationEvents.waitUntilReady();
    const added = await this.enqueueEscalation(job);
    return added.waitUntilFinished(this.escalationEvents, timeoutMs);
  }

  /** A digest now, posted to `replyTo` (a thread) or to the scheduled targets. */
  async enqueueDigest(data: { replyTo: ReplyTarget | null; targets?: ReplyTarget[] }): Promise<void> {
    await this.digestQueue().add('run', data);
  }

  /** The daily digest, by id: every bot may register it and one schedule results. */
  async scheduleDigest(id: string, when: { pattern: string; tz: string }, targets: ReplyTarget[]): Promise<void> {
    await this.digestQueue().upsertJobScheduler(id, when, { name: 'run', data: { replyTo: null, targets } });
  }

  private digestQueue(): Queue {
    this.digest ??= new Queue(QUEUES.digest, { connection: ownConnection(this.redis), prefix: bullPrefix(this.redisPrefix), defaultJobOptions: DEFAULT_JOB_OPTIONS });
    return this.digest;
  }

  async enqueueChecks(job: CheckJob): Promise<string> {
    const data = CheckJobSchema.parse(job);
    const added = await this.checks.add('run', data);
    return added.id!;
  }

  /** Enqueues and waits for the worker's results (`medic check --queue`). */
  async runChecks(job: CheckJob, timeoutMs = 120_000): Promise<CheckResult[]> {
    this.events ??= new QueueEvents(QUEUES.checks, { connection: ownConnection(this.redis), prefix: bullPrefix(this.redisPrefix) });
    await this.events.waitUntilReady();
    const data = CheckJobSchema.parse(job);
    const added = await this.checks.add('run', data);
    return (await added.waitUntilFinished(this.events, timeoutMs)) as CheckResult[];
  }

  /** How many workers are consuming a queue now (BullMQ lists them): 0 means a job would wait. */
  async consumers(queue: 'checks' | 'escalations'): Promise<number> {
    if (queue === 'checks') return this.checks.getWorkersCount();
    this.escalations ??= new Queue(QUEUES.escalations, { connection: ownConnection(this.redis), prefix: bullPrefix(this.redisPrefix), defaultJobOptions: DEFAULT_JOB_OPTIONS });
    return this.escalations.getWorkersCount();
  }

  async close(): Promise<void> {
    await this.events?.close();
    await this.checks.close();
    await this.bundles?.close();
    await this.escalationEvents?.close();
    await this.escalations?.close();
    await this.digest?.close();
  }
}
