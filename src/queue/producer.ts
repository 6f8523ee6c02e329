import { Queue, QueueEvents } from 'bullmq';
import type { RedisClient } from '../store/redis.js';
import type { CheckResult } from '../checks/run.js';
import { type BundleJob, BundleJobSchema, type CheckJob, CheckJobSchema, DEFAULT_JOB_OPTIONS } from './jobs.js';
import { bullPrefix, QUEUES } from './names.js';
import { ownConnection } from './outbox.js';

/** Puts work on the queues; validated before it leaves the process. */
export class Producer {
  private readonly checks: Queue;
  private bundles: Queue | null = null;
  private events: QueueEvents | null = null;

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

  async close(): Promise<void> {
    await this.events?.close();
    await this.checks.close();
    await this.bundles?.close();
  }
}
