import { readFileSync } from 'node:fs';
import type { CheckKind } from '../kind.js';
import { nodeUrl } from '../kind.js';

/** How an https URL's certificate is verified: the system's CAs (fetch's default), a private CA, or not at all. */
export interface TlsTrust {
  ca?: string;
  insecure?: boolean;
}

/** The trust a check's spec asks for. */
export function trustOf(spec: { ca?: string | undefined; insecure: boolean }): TlsTrust {
  return { ...(spec.ca ? { ca: spec.ca } : {}), insecure: spec.insecure };
}

async function fetcher(trust: TlsTrust): Promise<typeof fetch> {
  if (!trust.ca && !trust.insecure) return fetch;
  const { Agent, fetch: undiciFetch } = await import('undici');
  const dispatcher = new Agent({ connect: { rejectUnauthorized: !trust.insecure, ...(trust.ca ? { ca: readFileSync(trust.ca) } : {}) } });
  return ((input: string | URL, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher })) as unknown as typeof fetch;
}

const MAX_REDIRECTS = 5;

/** Fetches a URL on the node; redirects are followed only while they stay on the node's host. */
export async function fetchOnNode(url: URL, signal: AbortSignal, trust: TlsTrust = {}): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  const get = await fetcher(trust);
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await get(current, { redirect: 'manual', signal, headers: { 'user-agent': 'medic-check' } });
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
    const r = await fetchOnNode(nodeUrl(ctx), ctx.signal, trustOf(ctx.spec));
    return { CONNECTED: true, STATUS: r.status, RESPONSE_TIME: Math.round(r.ms), BODY: r.body };
  },
};
