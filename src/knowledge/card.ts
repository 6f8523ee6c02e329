/** A code block kept verbatim from a guide. */
export interface CodeBlock {
  lang: string;
  text: string;
}

/** One solution step: its text and the code blocks that belong to it. */
export interface Step {
  text: string;
  code: CodeBlock[];
}

/**
 * One leaf problem from a guide (DESIGN.md, "Problem card").
 * `kind` separates problems (symptoms or a problem-like heading) from procedures (how-tos),
 * table rows (error-code tables) and references (sections that only show what logs look like,
 * with no fix: they say which system a line comes from, never what to do).
 */
export interface ProblemCard {
  id: string;
  guide: string;
  title: string;
  path: string[];
  kind: 'problem' | 'procedure' | 'row' | 'reference';
  /** Free-text symptoms, one per bullet or sentence. */
  symptoms: string[];
  /** Literal error lines from symptom code blocks, quoted headings and quoted symptom text. */
  errorLines: string[];
  causes: string[];
  diagnosis: { text: string[]; commands: string[] };
  solutions: Step[];
  /** Every shell command in the card, in order. */
  commands: string[];
  /** Introductory text that is not a field. */
  body: string[];
  lines: { start: number; end: number };
  /** Where a runbook's card comes from (`runbooks/lloom/disk-full.md`); a guide's is `knowledge/<guide>.md`. */
  source?: string;
  /** A team note's system (its guide is `team`): the system whose pastes it is evidence for. */
  system?: string;
}

/** A heading as it names a problem: without "Problem:" or "Issue:", a list number, or quotes around an error. */
export function bareTitle(title: string): string {
  return title.replace(/^(problem|issue)\s*:\s*/i, '').replace(/^\d+\.\s*/, '').replace(/^["“](.*)["”]$/, '$1');
}
