const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A Go-style duration (`500ms`, `90s`, `72h`, `1h30m`, `2d`) in milliseconds, or null when it is not one. */
export function durationMs(text: string): number | null {
  const s = text.trim();
  const parts = [...s.matchAll(/(\d+(?:\.\d+)?)(ms|d|h|m|s)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== s) return null;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}
