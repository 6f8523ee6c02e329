import { lookup } from 'node:dns/promises';
import type { CheckKind } from '../kind.js';

export const dns: CheckKind = {
  kind: 'dns',
  defaults: ['[RESOLVED] == true'],
  async measure(ctx) {
    const name = ctx.spec.host ?? ctx.node.host;
    const started = performance.now();
    try {
      const addrs = await Promise.race([
        lookup(name, { all: true }),
        new Promise<never>((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('timed out')), { once: true })),
      ]);
      return { RESOLVED: addrs.length > 0, IP: addrs.map((a) => a.address), RESPONSE_TIME: Math.round(performance.now() - started) };
    } catch (err) {
      return { RESOLVED: false, ERROR: (err as NodeJS.ErrnoException).code ?? (err as Error).message, RESPONSE_TIME: Math.round(performance.now() - started) };
    }
  },
};
