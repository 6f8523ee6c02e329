import { pino, type Logger } from 'pino';
import { redactText } from './text/redact.js';

/**
 * The process logger: JSON lines on stderr, with secrets redacted from messages and from
 * well-known fields before they are written.
 */
export function createLogger(level = process.env.MEDIC_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      redact: { paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization', 'password', '*.password'], censor: '***' },
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as typeof args;
          method.apply(this, clean);
        },
      },
      formatters: {
        log(obj) {
          const err = obj.err as Error | undefined;
          return err instanceof Error ? { ...obj, err: { type: err.name, message: redactText(err.message) } } : obj;
        },
      },
    },
    pino.destination(2),
  );
}
