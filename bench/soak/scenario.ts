import type { RestCall } from '../../test/fakes/discord.js';
import type { Stack } from './stack.js';

/** What a scenario reports: its figures, and whether each target was met. */
export interface Outcome {
  figures: Record<string, unknown>;
  /** Targets missed, in words; none means the verdict is pass. */
  missed: string[];
}

export interface Scenario {
  name: string;
  run(stack: Stack): Promise<Outcome>;
}

/** A target as a check: the words name the figure and the bound. */
export function expect(missed: string[], ok: boolean, words: string): void {
  if (!ok) missed.push(words);
}

/** The bot's messages (POSTs) in a channel or thread of the fake Discord. */
export function postsIn(calls: RestCall[], channelId: string): RestCall[] {
  return calls.filter((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages`);
}

/** The visible head of a posted message: its text, or its first embed's title. */
export function headOf(c: RestCall): string {
  const b = c.body as { content?: string; embeds?: Array<{ title?: string }> } | null;
  return (b?.embeds?.[0]?.title ?? b?.content ?? '').slice(0, 120);
}

/** A seeded random source, so a run can be repeated (`--seed`). */
export function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** A progress line on stderr (stdout carries only the JSON). */
export function note(line: string): void {
  process.stderr.write(`soak:   ${line}\n`);
}
