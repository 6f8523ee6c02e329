import type { CheckKind } from '../kind.js';
import { nodeUrl } from '../kind.js';
import { fetchOnNode, trustOf } from './http.js';

/** An OpenAI-compatible backend (LM Studio, Ollama, vLLM) lists its models at /v1/models. */
export const models: CheckKind = {
  kind: 'models',
  defaults: ['[STATUS] == 200'],
  async measure(ctx) {
    const base = nodeUrl(ctx);
    const url = base.pathname.endsWith('/models') ? base : new URL(base.pathname.replace(/\/?$/, '/models'), base);
    const r = await fetchOnNode(url, ctx.signal, trustOf(ctx.spec));
    let ids: string[] = [];
    try {
      const body = JSON.parse(r.body) as { data?: Array<{ id?: unknown }> };
      ids = (body.data ?? []).map((m) => String(m.id ?? '')).filter(Boolean);
    } catch {
      // Not JSON: no models listed; [STATUS] says why.
    }
    return { CONNECTED: true, STATUS: r.status, RESPONSE_TIME: Math.round(r.ms), MODELS: ids, MODEL_COUNT: ids.length };
  },
};
