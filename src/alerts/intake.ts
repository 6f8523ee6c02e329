import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ownConnection } from '../queue/outbox.js';
import { bullPrefix, QUEUES } from '../queue/names.js';
import type { RedisClient } from '../store/redis.js';
import { problems } from '../text/problems.js';
import type { AlertDesk } from './desk.js';
import { AlertEventSchema, type AlertEvent } from './payloads.js';

const AlertJobSchema = z.object({ id: z.string().uuid(), event: AlertEventSchema }).strict();

/**
 * Where accepted notifications wait for the desk. With Redis they are jobs on the `alerts`
 * queue, which only the bot consumes, one at a time (a group's notifications apply in order);
 * a bot killed after accepting one leaves it there for the next. Without Redis the desk
 * handles each at once, and the group is in the file store before anything is posted.
 */
export class AlertIntake {
  private readonly queue: Queue | null;
  private worker: Worker | null = null;

  constructor(
    private readonly redis: RedisClient | null,
    private readonly redisPrefix: string,
    private readonly desk: AlertDesk,
    private readonly log: Logger,
    private readonly lockMs: number,
  ) {
    this.queue = redis ? new Queue(QUEUES.alerts, { connection: ownConnection(redis), prefix: bullPrefix(redisPrefix) }) : null;
  }

  /** Resolves once every notification is stored; the ids name their jobs. */
  async accept(events: AlertEvent[]): Promise<string[]> {
    const jobs = events.map((event) => ({ id: randomUUID(), event }));
    if (this.queue) {
      await this.queue.addBulk(
        jobs.map((j) => ({
          name: 'alert',
          data: j,
          opts: { jobId: j.id, attempts: 8, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } },
        })),
      );
      return jobs.map((j) => j.id);
    }
    for (const j of jobs) {
      await this.desk.handle(j.event, j.id).catch((err: unknown) => this.log.error({ err, alert: j.event.name }, 'alert handling failed; the next notification delivers it again'));
    }
    return jobs.map((j) => j.id);
  }

  /** The bot's consumer of the alerts queue (nothing to consume without Redis). */
  consume(): void {
    if (!this.redis || this.worker) return;
    this.worker = new Worker(
      QUEUES.alerts,
      async (job) => {
        const parsed = AlertJobSchema.safeParse(job.data);
        if (!parsed.success) {
          this.log.error({ job: job.id, problems: problems(parsed.error) }, 'alert job rejected');
          return;
        }
        return this.desk.handle(parsed.data.event, parsed.data.id);
      },
      { connection: ownConnection(this.redis), prefix: bullPrefix(this.redisPrefix), concurrency: 1, lockDuration: this.lockMs, stalledInterval: Math.max(500, Math.floor(this.lockMs / 2)) },
    );
    this.worker.on('failed', (job, err) => this.log.warn({ job: job?.id, attempts: job?.attemptsMade, err }, 'alert delivery failed; will retry'));
    this.worker.on('error', (err) => this.log.error({ err }, 'alerts worker error'));
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }
}
