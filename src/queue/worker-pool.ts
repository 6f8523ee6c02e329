import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { MedicConfig } from '../config.js';
import type { RecordStore } from '../store/records.js';
import type { RedisClient } from '../store/redis.js';
import type { WorkQueue } from './names.js';

/** The BullMQ workers `medic worker` runs for some queues. */
export interface WorkerPool {
  workers: Worker[];
  /** Graceful: current jobs finish, then the workers stop. */
  close(): Promise<void>;
}

/**
 * Starts the processors (workers/ implements it). The processors sit above src/, so the entry
 * point hands this to the CLI rather than the CLI importing them.
 */
export type StartWorkers = (deps: { cfg: MedicConfig; redis: RedisClient; store: RecordStore; log: Logger; queues: WorkQueue[] }) => WorkerPool;
