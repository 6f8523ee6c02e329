import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics for the bot process, served at /metrics by `medic serve`. */
export class ChatMetrics {
  readonly registry = new Registry();
  readonly triage = new Counter({ name: 'medic_triage_total', help: 'Triage requests by platform and outcome', labelNames: ['platform', 'outcome'] as const, registers: [this.registry] });
  readonly latency = new Histogram({ name: 'medic_triage_seconds', help: 'Triage latency', buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry] });
  readonly feedback = new Counter({ name: 'medic_feedback_total', help: 'Feedback by kind', labelNames: ['kind'] as const, registers: [this.registry] });
  readonly llm = new Counter({ name: 'medic_llm_total', help: 'Model answers by outcome: ok, or why the extractive answer was shown (timeout, error, malformed, citation, command)', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly replies = new Counter({ name: 'medic_replies_total', help: 'Replies posted by platform and result', labelNames: ['platform', 'result'] as const, registers: [this.registry] });

  constructor(defaults = false) {
    if (defaults) collectDefaultMetrics({ register: this.registry });
  }
}
