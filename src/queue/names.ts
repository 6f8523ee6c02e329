/** Every BullMQ queue Medic uses. The bot process alone consumes the outbox and the alerts. */
export const QUEUES = { checks: 'checks', bundles: 'bundles', digest: 'digest', escalations: 'escalations', collect: 'collect', outbox: 'outbox', alerts: 'alerts' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** BullMQ key prefix under Medic's Redis prefix (`medic:` gives `medic:bull:outbox:...`). */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}bull`;
}

/** The queues that carry work (the outbox carries replies and the alerts notifications; only the bot consumes them). */
export type WorkQueue = Exclude<QueueName, 'outbox' | 'alerts'>;

/** The queues `medic worker` can consume. */
export const WORKER_QUEUES: WorkQueue[] = [QUEUES.checks, QUEUES.bundles, QUEUES.escalations, QUEUES.digest, QUEUES.collect];
