import type { CheckKind } from '../kind.js';
import { nodeUrl } from '../kind.js';

const MAX_REDIRECTS = 5;

/** Fetches a URL on the node; redirects are followed only while they stay on the node's host. */
export async function fetchOnNode(url: URL, signal: AbortSignal): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await fetch(current, { redirect: 'manual', signal, headers: { 'user-agent': 'medic-check' } });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, current);
      if (next.hostname !== url.hostname) throw new Error(`redirect to another host (${next.hostname}) refused`);
      await res.body?.cancel();
      current = next;
      continue;
    }
    const body = await res.text();
    return { status: res.status, body: body.slice(0, 1_000_000), ms: performance.now() - started };
  }
  throw new Error(`more than ${MAX_REDIRECTS} redirects`);
}

export const http: CheckKind = {
  kind: 'http',
  defaults: ['[STATUS] == 200'],
  async measure(ctx) {
    const r = await fetchOnNode(nodeUrl(ctx), ctx.signal);
    return { CONNECTED: true, STATUS: r.status, RESPONSE_TIME: Math.round(r.ms), BODY: r.body };
  },
};
