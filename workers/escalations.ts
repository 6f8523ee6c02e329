import type { JobProcessor } from './processor.js';
import type { Job } from 'bullmq';
import type { MedicConfig } from '../src/config.js';
import { escalate } from '../src/escalate/escalate.js';
import { escalationInput, escalationReply, trackerFor } from '../src/escalate/runner.js';
import { EscalationJobSchema, parseJob } from '../src/queue/jobs.js';
import type { Outbox } from '../src/queue/outbox.js';
import type { RecordStore } from '../src/store/records.js';
import type { LlmClient } from '../src/llm/client.js';

/**
 * The `escalations` processor: look before create on every attempt (a retried job after a
 * timeout or a 5xx finds what the last attempt made), then tell the thread where it is tracked.
 */
export function escalationsProcessor(deps: { cfg: MedicConfig; store: RecordStore; outbox: Outbox; llm: LlmClient | null }) {
  return async (job: Job) => {
    const data = parseJob('escalations', EscalationJobSchema, job.data);
    const r = await escalate(await escalationInput(deps.cfg, deps.store, data), trackerFor(deps.cfg), deps.store, deps.cfg.escalation, deps.llm);
    if (data.replyTo) await deps.outbox.put({ target: data.replyTo, reply: escalationReply(r) });
    return r;
  };
}

export const escalations: JobProcessor = {
  concurrency: () => 4,
  create: (d) => escalationsProcessor({ cfg: d.cfg, store: d.store, outbox: d.outbox, llm: d.llm }),
};
