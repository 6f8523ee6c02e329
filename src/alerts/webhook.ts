import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { problems } from '../text/problems.js';
import type { AlertIntake } from './intake.js';
import { AlertmanagerPayload, fromAlertmanager, fromGeneric, GenericPayload, type AlertEvent } from './payloads.js';

/** The largest body an alert webhook takes. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** The alert webhooks Medic serves, by path. */
export const WEBHOOK_PATHS: Record<string, { what: string; schema: z.ZodType; events: (body: never) => AlertEvent[] }> = {
  '/webhooks/alertmanager': { what: 'Alertmanager payload', schema: AlertmanagerPayload, events: fromAlertmanager },
  '/webhooks/generic': { what: 'generic alert', schema: GenericPayload, events: (b) => fromGeneric(b) },
};

/** Compared in constant time, through a digest so lengths do not leak either. */
function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function send(res: ServerResponse, status: number, body: Record<string, unknown>, close = false): void {
  res.writeHead(status, { 'content-type': 'application/json', ...(close ? { connection: 'close' } : {}) }).end(JSON.stringify(body) + '\n');
}

/** The body, or null when it passed the limit (the 413 is sent then). */
async function readLimited(req: IncomingMessage, res: ServerResponse): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const tooLarge = () => {
    send(res, 413, { error: `the body is over ${WEBHOOK_BODY_LIMIT / 1024 / 1024} MB` }, true);
    // The rest is read and dropped so the sender sees the 413, up to a point: then the connection goes.
    let dropped = 0;
    req.on('data', (chunk: Buffer) => {
      if ((dropped += chunk.length) > 16 * WEBHOOK_BODY_LIMIT) req.destroy();
    });
    req.resume();
    return null;
  };
  if (declared > WEBHOOK_BODY_LIMIT) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= WEBHOOK_BODY_LIMIT) return void chunks.push(chunk);
      req.off('data', onData).off('end', onEnd);
      resolve(tooLarge());
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData).on('end', onEnd).on('error', reject);
  });
}

/**
 * `POST /webhooks/alertmanager` and `/webhooks/generic`: a bearer token, a body of at most
 * 1 MB, validated; 202 once every alert in it is stored. Off (404) without MEDIC_WEBHOOK_TOKEN.
 */
export function alertWebhook(token: string | null, intake: AlertIntake, log: Logger): (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void> {
  return async (req, res, path) => {
    const hook = WEBHOOK_PATHS[path]!;
    if (!token) return send(res, 404, { error: 'alert webhooks are off: set MEDIC_WEBHOOK_TOKEN on the bot' });
    if (req.method !== 'POST') return send(res, 405, { error: 'POST an alert here' });
    const auth = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!auth || !sameToken(auth[1]!.trim(), token)) {
      req.resume();
      return send(res, 401, { error: 'a wrong or missing token: send Authorization: Bearer $MEDIC_WEBHOOK_TOKEN' });
    }
    const raw = await readLimited(req, res);
    if (!raw) return;
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return send(res, 400, { error: 'the body is not JSON' });
    }
    const parsed = hook.schema.safeParse(body);
    if (!parsed.success) return send(res, 400, { error: `invalid ${hook.what}: ${problems(parsed.error).join('; ')}` });
    const events = hook.events(parsed.data as never);
    try {
      const ids = await intake.accept(events);
      send(res, 202, { accepted: ids.length, ids });
    } catch (err) {
      // Alertmanager retries a 5xx: nothing was lost if it could not be stored.
      log.error({ err }, 'alert could not be stored');
      send(res, 503, { error: 'the alert could not be stored; retry' });
    }
  };
}
