import { z } from 'zod';
import type { Match } from './engine.js';

/** One labelled paste, in the format of the team's eval files (`test/fixtures/pastes/*.jsonl`). */
export const LabelledCaseSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  paste: z.string(),
  target_guide: z.string(),
  expected_problem: z.string(),
  acceptable: z.array(z.string()).default([]),
});
export type LabelledCase = z.infer<typeof LabelledCaseSchema>;

// The eval scorer's reading of a heading: "Problem:", "Issue:", list numbers and notes in
// parentheses name nothing, and a few problems sit under a heading with another name.
const ALIASES: Record<string, string[]> = {
  'repl not responding': ['repl service issues'],
  'data corruption': ['data recovery'],
  'performer pods in pending state': ['insufficient resources'],
  'cross namespace permission errors': ['forbidden'],
  'operator not creating performers': ['forbidden'],
};

function norm(s: string): string {
  return s
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/^\s*(problem|issue)\s*:\s*/, '')
    .replace(/^\s*\d+\.\s*/, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function names(m: Pick<Match, 'guide' | 'title' | 'path'>, guide: string, problem: string): boolean {
  if (!m.guide.startsWith(guide)) return false;
  const want = norm(problem);
  const wants = [want, ...(ALIASES[want] ?? [])];
  const titles = [m.title, m.path[m.path.length - 1] ?? ''].map(norm).filter(Boolean);
  return wants.some((w) => titles.some((t) => t === w || (w.length > 6 && t.includes(w))));
}

/** Whether an answer is right for a labelled case, as the eval scorer judges it ("none" cases have no right answer). */
export function isRightAnswer(m: Pick<Match, 'guide' | 'title' | 'path'>, c: LabelledCase): boolean {
  if (c.target_guide === 'none') return false;
  if (names(m, c.target_guide, c.expected_problem)) return true;
  return c.acceptable.some((alt) => {
    const i = alt.indexOf(':');
    return i > 0 && names(m, alt.slice(0, i), alt.slice(i + 1));
  });
}
