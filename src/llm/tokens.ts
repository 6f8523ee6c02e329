import { Tiktoken } from 'js-tiktoken/lite';
import cl100k from 'js-tiktoken/ranks/cl100k_base';

let encoder: Tiktoken | null = null;

/** Tokens in a text, counted offline with the cl100k ranks shipped in js-tiktoken (no download). */
export function countTokens(text: string): number {
  encoder ??= new Tiktoken(cl100k);
  return encoder.encode(text).length;
}

/** The longest prefix of `lines` that fits in `budget` tokens, and whether anything was cut. */
export function fitLines(lines: string[], budget: number): { text: string; cut: boolean } {
  const kept: string[] = [];
  let used = 0;
  for (const l of lines) {
    const n = countTokens(l) + 1;
    if (used + n > budget) return { text: kept.join('\n'), cut: true };
    kept.push(l);
    used += n;
  }
  return { text: kept.join('\n'), cut: false };
}
