import { z } from 'zod';
import { redactText } from '../text/redact.js';
import type { LlmClient } from './client.js';
import { fillPrompt } from './prompt.js';
import { fitLines } from './tokens.js';

/** Text a model writes on top of an extractive result (a bundle's narrative, the digest's paragraph, an issue's title). */
export interface Narration {
  fields: Record<string, string>;
  /** Who wrote it: the model, or Medic's own extractive fallback. */
  by: 'model' | 'extractive';
}

const NO_CODE = /`|\$\(|\|\s*(?:sh|bash)\b|\bcurl\b|\bwget\b|\brm\s+-/;

/**
 * Fills `prompts/NAME.md` with redacted, trimmed values and asks for JSON with the fields of `fallback`.
 * The answer is used only if it parses, fits, and carries no command (commands come from the
 * guides, never from prose); otherwise the fallback stands.
 */
export async function narrate(llm: LlmClient | null, name: string, values: Record<string, string>, fallback: Record<string, string>, maxChars = 1200): Promise<Narration> {
  const extractive: Narration = { fields: fallback, by: 'extractive' };
  if (!llm) return extractive;
  const room = Math.max(500, llm.cfg.contextTokens - llm.cfg.maxTokens - 600);
  const safe = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, fitLines(redactText(v).split('\n'), Math.floor(room / Math.max(1, Object.keys(values).length))).text]));
  try {
    const raw = await llm.json(fillPrompt(name, safe));
    const shape = Object.fromEntries(Object.keys(fallback).map((k) => [k, z.string().min(1).max(maxChars)]));
    const parsed = z.object(shape).passthrough().parse(JSON.parse(raw)) as Record<string, string>;
    const fields = Object.fromEntries(Object.keys(fallback).map((k) => [k, redactText(parsed[k]!.trim())]));
    if (Object.values(fields).some((t) => NO_CODE.test(t))) return extractive;
    return { fields, by: 'model' };
  } catch {
    return extractive;
  }
}
