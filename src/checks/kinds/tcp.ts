import { connect } from 'node:net';
import type { CheckKind } from '../kind.js';

export const tcp: CheckKind = {
  kind: 'tcp',
  defaults: ['[CONNECTED] == true'],
  measure(ctx) {
    const started = performance.now();
    return new Promise((resolve) => {
      const socket = connect({ host: ctx.spec.host ?? ctx.node.host, port: ctx.spec.port!, signal: ctx.signal });
      const done = (connected: boolean, error?: string) => {
        socket.destroy();
        resolve({ CONNECTED: connected, RESPONSE_TIME: Math.round(performance.now() - started), ...(error ? { ERROR: error } : {}) });
      };
      socket.once('connect', () => done(true));
      socket.once('error', (err) => done(false, (err as NodeJS.ErrnoException).code ?? err.message));
    });
  },
};
