import type { WorkQueue } from '../queue/names.js';
import { bundles } from './bundles.js';
import { checks } from './checks.js';
import { collect } from './collect.js';
import { digest } from './digest.js';
import { escalations } from './escalations.js';
import type { JobProcessor } from './job.js';

/** Every queue's work: what `medic worker --queues` consumes, and what runs in process without Redis. */
export const PROCESSORS = { checks, bundles, digest, escalations, collect } satisfies Record<WorkQueue, JobProcessor>;
export type Processors = typeof PROCESSORS;
