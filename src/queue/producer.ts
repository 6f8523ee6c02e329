import { type Job, Queue, QueueEvents } from 'bullmq';
import type { RedisClient } from '../store/redis.js';
import { DEFAULT_JOB_OPTIONS, type ReplyTarget } from './jobs.js';
import { bullPrefix, QUEUES, type WorkQueue } from './names.js';
import { ownConnection } from './outbox.js';

/** Puts work on the queues (the dispatcher validates it first), one BullMQ Queue per queue, opened on first use. */
export class Producer {
  private readonly queues = new Map<WorkQueue, Queue>();
  private readonly events = new Map<WorkQueue, QueueEvents>();

  constructor(
    private readonly redis: RedisClient,
    private readonly redisPrefix: string,
  ) {}

  private queue(name: WorkQueue): Queue {
    let q = this.queues.get(name);
    if (!q) this.queues.set(name, (q = new Queue(name, { connection: ownConnection(this.redis), prefix: bullPrefix(this.redisPrefix), defaultJobOptions: DEFAULT_JOB_OPTIONS })));
    return q;
  }

  async add(queue: WorkQueue, name: string, data: unknown, jobId?: string): Promise<Job> {
    return this.queue(queue).add(name, data, jobId ? { jobId } : {});
  }

  /** Enqueues and waits for a worker's result (the CLI's `--queue`). */
  async addAndWait(queue: WorkQueue, name: string, data: unknown, jobId: string | undefined, timeoutMs: number): Promise<unknown> {
    let events = this.events.get(queue);
    if (!events) this.events.set(queue, (events = new QueueEvents(queue, { connection: ownConnection(this.redis), prefix: bullPrefix(this.redisPrefix) })));
    await events.waitUntilReady();
    const added = await this.add(queue, name, data, jobId);
    return added.waitUntilFinished(events, timeoutMs);
  }

  /** The daily digest, by id: every bot may register it and one schedule results. */
  async scheduleDigest(id: string, when: { pattern: string; tz: string }, targets: ReplyTarget[]): Promise<void> {
    await this.queue(QUEUES.digest).upsertJobScheduler(id, when, { name: 'run', data: { replyTo: null, targets } });
  }

  /** How many workers are consuming a queue now (BullMQ lists them): 0 means a job would wait. */
  async consumers(queue: WorkQueue): Promise<number> {
    return this.queue(queue).getWorkersCount();
  }

  async close(): Promise<void> {
    for (const e of this.events.values()) await e.close();
    for (const q of this.queues.values()) await q.close();
  }
}
