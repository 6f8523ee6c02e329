import { escalate } from '../escalate/escalate.js';
import { escalationInput, escalationReply, trackerFor } from '../escalate/job.js';
import { EscalationJobSchema } from '../queue/jobs.js';
import type { JobProcessor } from './job.js';

/**
 * The `escalations` queue: look before create on every attempt (a retried job after a timeout
 * or a 5xx finds what the last attempt made), then tell the thread where it is tracked. One job
 * per thread and fingerprint: pressing Escalate twice does not escalate twice.
 */
export const escalations: JobProcessor<typeof EscalationJobSchema> = {
  queue: 'escalations',
  schema: EscalationJobSchema,
  jobName: 'escalate',
  jobId: (data) => {
    const thread = data.thread ? `${data.thread.platform}-${data.thread.channelId}-${data.thread.threadId ?? 'channel'}` : `cli-${Date.now()}`;
    return `escalate-${thread}-${data.fingerprint}`.replace(/:/g, '-');
  },
  concurrency: () => 4,
  create: (deps) => ({
    async run(data, ctx) {
      const r = await escalate(await escalationInput(deps.cfg, deps.store, data), trackerFor(deps.cfg), deps.store, deps.cfg.escalation, deps.llm);
      await ctx.deliver({ target: data.replyTo, reply: escalationReply(r) });
      return r;
    },
  }),
};
