import { durationMs } from '../../text/duration.js';

/** Seconds in a Go-style duration (`90s`, `5m`, `1h30m`) or a bare number of seconds; null if neither. */
export function durationSeconds(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s);
  const ms = durationMs(s);
  return ms === null ? null : ms / 1000;
}
