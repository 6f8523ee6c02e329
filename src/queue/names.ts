/** Every BullMQ queue Medic uses. The bot process alone consumes the outbox. */
export const QUEUES = { outbox: 'outbox' } as const;

/** BullMQ key prefix under Medic's Redis prefix (`medic:` gives `medic:bull:outbox:...`). */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}bull`;
}
