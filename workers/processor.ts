import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { MedicConfig } from '../src/config.js';
import type { ProblemCard } from '../src/knowledge/card.js';
import type { LlmClient } from '../src/llm/client.js';
import type { Outbox } from '../src/queue/outbox.js';
import type { RecordStore } from '../src/store/records.js';
import type { RedisClient } from '../src/store/redis.js';
import type { TriageEngine } from '../src/triage/engine.js';

/** What every processor may use: opened once per worker process. */
export interface WorkerDeps {
  cfg: MedicConfig;
  redis: RedisClient;
  store: RecordStore;
  log: Logger;
  outbox: Outbox;
  /** The guides' cards, for jobs that run a card's suggested checks. */
  cards: Map<string, ProblemCard>;
  /** The triage engine, opened on first use. */
  engine: () => Promise<TriageEngine>;
  llm: LlmClient | null;
}

/** One queue's processor and how a worker runs it: a queue is its file and one entry in the map. */
export interface JobProcessor {
  /** How many of its jobs one worker runs at once. */
  concurrency(cfg: MedicConfig): number;
  /** A lock longer than the default, for long jobs. */
  lockMs?(cfg: MedicConfig): number;
  create(deps: WorkerDeps): ((job: Job) => Promise<unknown>) & { close?: () => Promise<unknown> };
}
