import { Queue, Worker } from 'bullmq';
import { problems } from '../text/problems.js';
import { Cluster, type RedisOptions } from 'ioredis';
import type { RedisClient } from '../store/redis.js';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ACTION_IDS, type Reply } from '../reply/reply.js';
import { bullPrefix, QUEUES } from './names.js';

const Block = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('code'), lang: z.string(), text: z.string() }),
  z.object({ type: z.literal('steps'), steps: z.array(z.object({ text: z.string(), code: z.array(z.object({ lang: z.string(), text: z.string() })) })) }),
]);

/** The Reply as it travels through Redis: validated again when it comes out. */
const ReplySchema = z.object({
  title: z.string(),
  summary: z.string(),
  sections: z.array(z.object({ heading: z.string(), blocks: z.array(Block) })),
  citations: z.array(z.object({ cardId: z.string(), guide: z.string(), file: z.string(), heading: z.string(), path: z.array(z.string()), lines: z.object({ start: z.number(), end: z.number() }) })),
  actions: z.array(z.object({ id: z.enum(ACTION_IDS), label: z.string(), value: z.string().optional() })),
  attachments: z.array(z.object({ name: z.string(), contentType: z.string(), path: z.string().optional(), content: z.string().optional(), base64: z.string().optional() })),
  choices: z
    .object({ id: z.enum(ACTION_IDS), placeholder: z.string(), options: z.array(z.object({ label: z.string(), value: z.string(), description: z.string().optional() })) })
    .optional(),
  notes: z.array(z.string()),
});

export const OutboxJobSchema = z.object({
  target: z.object({ platform: z.enum(['discord', 'slack', 'console']), channelId: z.string().min(1), threadId: z.string().nullable() }),
  reply: ReplySchema,
  answerId: z.string().optional(),
  /** Edit this earlier message (progress) instead of posting a new one. */
  edit: z.string().optional(),
});
export type OutboxJob = z.infer<typeof OutboxJobSchema>;

/**
 * Posts one outbox reply. `once.key` is the reply's own id; `once.again` says an earlier attempt
 * may already have posted it (its bot died mid-post, or a post failed partway), so a front door
 * that can tell looks before posting.
 */
export type Deliver = (job: OutboxJob & { reply: Reply; once: DeliveryOnce }) => Promise<void>;
export interface DeliveryOnce {
  key: string;
  again: boolean;
}

/**
 * Where finished work goes to reach chat. Workers hold no chat token: they put
 * `{ thread reference, Reply }` here and the bot process posts it. Without Redis the
 * reply is delivered at once, in process.
 */
export class Outbox {
  private readonly queue: Queue | null;

  constructor(
    redis: RedisClient | null,
    redisPrefix: string,
    private readonly inline: Deliver | null = null,
  ) {
    this.queue = redis ? new Queue(QUEUES.outbox, { connection: ownConnection(redis), prefix: bullPrefix(redisPrefix) }) : null;
  }

  /**
   * `key` names this reply for good: a worker that dies after putting it and runs the job again
   * puts the same key, and BullMQ keeps the one job (kept an hour once posted, for that retry).
   */
  async put(job: OutboxJob, key?: string): Promise<void> {
    const valid = OutboxJobSchema.parse(job);
    if (this.queue) {
      await this.queue.add('post', valid, {
        attempts: 12,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { age: 3600, count: 5000 },
        removeOnFail: { count: 5000 },
        ...(key ? { jobId: key } : {}),
      });
    } else if (this.inline) await this.inline({ ...(valid as OutboxJob & { reply: Reply }), once: { key: key ?? 'inline', again: false } });
    else throw new Error('no Redis and no inline delivery: the reply has nowhere to go');
  }

  async close(): Promise<void> {
    await this.queue?.close();
  }
}

/** The bot side of the outbox: posts each reply, retrying with backoff until it succeeds. */
export class OutboxConsumer {
  private readonly worker: Worker;

  constructor(redis: RedisClient, redisPrefix: string, deliver: Deliver, log: Logger, lockMs = 30_000) {
    this.worker = new Worker(
      QUEUES.outbox,
      async (job) => {
        const parsed = OutboxJobSchema.safeParse(job.data);
        if (!parsed.success) {
          // A malformed job can never succeed: record it and drop it instead of retrying.
          log.error({ job: job.id, problems: problems(parsed.error) }, 'outbox job rejected');
          return;
        }
        const once = { key: String(job.id), again: job.attemptsMade > 0 || job.stalledCounter > 0 };
        await deliver({ ...(parsed.data as OutboxJob & { reply: Reply }), once });
      },
      // A bot that died mid-post leaves its job locked: another takes it over once the lock expires.
      { connection: ownConnection(redis), prefix: bullPrefix(redisPrefix), concurrency: 4, lockDuration: lockMs, stalledInterval: Math.max(500, Math.floor(lockMs / 2)) },
    );
    this.worker.on('failed', (job, err) => log.warn({ job: job?.id, attempts: job?.attemptsMade, err }, 'outbox delivery failed; will retry'));
    this.worker.on('error', (err) => log.error({ err }, 'outbox worker error'));
  }

  async close(): Promise<void> {
    await this.worker.close();
  }
}

const clusterClients = new Set<Cluster>();

/** Closes the Cluster clients handed to BullMQ (it closes the ones it opens from options itself). */
export async function closeOwnConnections(): Promise<void> {
  await Promise.all([...clusterClients].map((c) => c.quit().catch(() => c.disconnect())));
  clusterClients.clear();
}

/** Connection settings for BullMQ to open (and close) its own clients to the same Redis. */
export function ownConnection(redis: RedisClient): RedisOptions | Cluster {
  // A Cluster gets a client of its own (closed with closeOwnConnections); keys share one slot through the prefix.
  if (redis instanceof Cluster) {
    const c = redis.duplicate(undefined, { lazyConnect: false });
    c.on('error', () => {});
    clusterClients.add(c);
    return c;
  }
  const o = redis.options;
  if (o.sentinels?.length) {
    return { sentinels: o.sentinels, name: o.name, ...(o.password ? { password: o.password } : {}), ...(o.db ? { db: o.db } : {}), maxRetriesPerRequest: null };
  }
  return {
    host: o.host,
    port: o.port,
    ...(o.path ? { path: o.path } : {}),
    ...(o.username ? { username: o.username } : {}),
    ...(o.password ? { password: o.password } : {}),
    ...(o.db ? { db: o.db } : {}),
    ...(o.tls ? { tls: o.tls } : {}),
    maxRetriesPerRequest: null,
  };
}
