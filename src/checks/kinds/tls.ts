import { readFileSync } from 'node:fs';
import { checkServerIdentity, connect } from 'node:tls';
import type { CheckKind } from '../kind.js';

/** Certificate expiry, hostname match and chain validity of a TLS endpoint on the node. */
export const tls: CheckKind = {
  kind: 'tls',
  defaults: ['[CONNECTED] == true', '[CHAIN_VALID] == true', '[HOSTNAME_MATCH] == true', '[CERTIFICATE_EXPIRATION] > 0'],
  // An expiry condition alone must not pass a certificate for another host or from an unknown CA.
  always: (spec) => (spec.insecure ? ['[CONNECTED] == true'] : ['[CONNECTED] == true', '[CHAIN_VALID] == true', '[HOSTNAME_MATCH] == true']),
  measure(ctx) {
    const host = ctx.spec.host ?? ctx.node.host;
    const servername = /^[\d.:]+$/.test(host) ? undefined : host;
    const ca = ctx.spec.ca ? readFileSync(ctx.spec.ca) : undefined;
    const started = performance.now();
    return new Promise((resolve) => {
      // Verify by hand, so an invalid chain is a measured fact rather than a connection error.
      const socket = connect({ host, port: ctx.spec.port!, ...(servername ? { servername } : {}), rejectUnauthorized: false, ...(ca ? { ca } : {}) });
      ctx.signal.addEventListener(
        'abort',
        () => {
          socket.destroy();
          resolve({ CONNECTED: false, ERROR: 'timed out' });
        },
        { once: true },
      );
      socket.once('secureConnect', () => {
        const cert = socket.getPeerCertificate();
        const expires = Date.parse(cert.valid_to);
        const identity = checkServerIdentity(servername ?? host, cert);
        resolve({
          CONNECTED: true,
          RESPONSE_TIME: Math.round(performance.now() - started),
          CERTIFICATE_EXPIRATION: expires - Date.now(),
          CHAIN_VALID: socket.authorized,
          CHAIN_ERROR: socket.authorized ? '' : String(socket.authorizationError ?? ''),
          HOSTNAME_MATCH: identity === undefined,
          SUBJECT: cert.subject?.CN ?? '',
        });
        socket.destroy();
      });
      socket.once('error', (err) => {
        socket.destroy();
        resolve({ CONNECTED: false, ERROR: (err as NodeJS.ErrnoException).code ?? err.message });
      });
    });
  },
};
