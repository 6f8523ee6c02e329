import { z } from 'zod';
import type { Reply } from '../reply/reply.js';
import type { ProblemCard } from '../knowledge/card.js';
import { extract } from '../triage/extract.js';
import { citation } from '../triage/answer.js';
import type { TriageEngine, TriageResult } from '../triage/engine.js';
import { redactText } from '../text/redact.js';
import { LlmError, type LlmClient, type LlmFailure } from './client.js';
import { fillPrompt } from './prompt.js';
import { countTokens, fitLines } from './tokens.js';

/** What the model must return; anything else is malformed. */
export const GroundedSchema = z
  .object({
    cards: z.array(z.string()).min(1).max(5),
    summary: z.string().min(1).max(1500),
    steps: z.array(z.object({ text: z.string().min(1).max(800), card: z.string() })).max(10),
    commands: z.array(z.object({ command: z.string().min(1).max(500), card: z.string() })).max(10),
    confidence: z.number().min(0).max(1),
    question: z.string().max(500).nullable().optional(),
  })
  .strict();
export type Grounded = z.infer<typeof GroundedSchema>;

const SCHEMA_HINT = JSON.stringify({
  cards: ['<id of each section you used>'],
  summary: '<two or three sentences>',
  steps: [{ text: '<one step>', card: '<its section id>' }],
  commands: [{ command: '<copied exactly from that section>', card: '<its section id>' }],
  confidence: 0.8,
  question: '<a clarifying question, or null>',
});

const CARDS = 3;
/** With rerank, the model may choose a candidate scoring at least this share of the best. */
const RERANK_SHARE = 0.8;
const CARD_TOKENS = 700;

function cardText(c: ProblemCard): string {
  const lines = [`[${c.id}] ${c.title} (${c.guide} guide: ${c.path.join(' > ')})`];
  if (c.symptoms.length) lines.push(`Symptoms: ${c.symptoms.join('; ')}`);
  if (c.errorLines.length) lines.push(`Error lines: ${c.errorLines.join(' | ')}`);
  if (c.causes.length) lines.push(`Causes: ${c.causes.join('; ')}`);
  if (c.diagnosis.commands.length) lines.push('Diagnosis commands:', ...c.diagnosis.commands.map((x) => `  ${x}`));
  c.solutions.forEach((s, i) => {
    lines.push(`Step ${i + 1}: ${s.text}`);
    for (const code of s.code) lines.push(...code.text.split('\n').map((x) => `  ${x}`));
  });
  return fitLines(lines, CARD_TOKENS).text;
}

const norm = (s: string) => s.trim().replace(/\s+/g, ' ');

/** Every command a card shows: its listed commands and each line and block of its code. */
function commandsOf(c: ProblemCard): Set<string> {
  const out = new Set<string>([...c.commands, ...c.diagnosis.commands].map(norm));
  for (const s of c.solutions) {
    for (const code of s.code) {
      out.add(norm(code.text));
      for (const line of code.text.split('\n')) if (line.trim() && !line.trim().startsWith('#')) out.add(norm(line));
    }
  }
  return out;
}

/**
 * Checks the model's answer against what was retrieved: every id it cites must be one of the
 * retrieved sections, and every command must be copied from a section it cites.
 */
export function verify(g: Grounded, retrieved: ProblemCard[]): LlmFailure | null {
  const ids = new Set(retrieved.map((c) => c.id));
  const cited = new Set(g.cards);
  if ([...cited, ...g.steps.map((s) => s.card), ...g.commands.map((c) => c.card)].some((id) => !ids.has(id))) return 'citation';
  for (const c of g.commands) {
    const card = retrieved.find((x) => x.id === c.card)!;
    if (!cited.has(c.card) || !commandsOf(card).has(norm(c.command))) return 'command';
  }
  // Prose may not smuggle what the command list may not: a paste can tell the model what to say.
  const sources = norm(retrieved.filter((c) => cited.has(c.id) || g.steps.some((s) => s.card === c.id)).map(cardText).join('\n'));
  const prose = [g.summary, g.question ?? '', ...g.steps.map((s) => s.text)];
  if (prose.some((t) => actionable(t).some((x) => !sources.includes(norm(x))))) return 'command';
  return null;
}

/** What in prose a reader could act on: code spans, URLs and pipes into a shell. */
function actionable(text: string): string[] {
  return [
    ...[...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!),
    ...(text.match(/\b(?:https?|ftp):\/\/[^\s`'"<>)]+/gi) ?? []),
    ...[...text.matchAll(/(\S+(?:\s+\S+){0,6}\s*\|\s*(?:sudo\s+)?(?:ba|z)?sh)\b/g)].map((m) => m[1]!),
  ].filter((x) => x.trim());
}

export interface GroundedOutcome {
  reply: Reply;
  /** Null when the model's answer was used. */
  failure: LlmFailure | null;
}

const FAILURE_NOTE: Record<LlmFailure, string> = {
  timeout: 'the model did not answer in time',
  error: 'the model could not be reached',
  malformed: 'the model did not answer in the expected form',
  citation: 'the model cited a section that was not retrieved',
  command: 'the model gave a command that is not in the sections it cited',
};

/**
 * A grounded answer: the retrieved sections and the redacted paste go to the model, its JSON
 * is validated and verified, and only then shown. Any failure gives the extractive answer,
 * with a note saying why.
 */
export async function groundedAnswer(llm: LlmClient, engine: TriageEngine, paste: string, r: TriageResult, opts: { onText?: (text: string) => void } = {}): Promise<GroundedOutcome> {
  const retrieved = r.matches.slice(0, CARDS).map((m) => engine.card(m.id)).filter((c): c is ProblemCard => Boolean(c));
  const fallback = (failure: LlmFailure): GroundedOutcome => ({ reply: { ...r.reply, notes: [...r.reply.notes, `Model answer not used: ${FAILURE_NOTE[failure]}. This is the guide's own answer.`] }, failure });
  if (!retrieved.length) return fallback('citation');

  // The paste is data: redacted, its salient lines first, trimmed to what the context allows.
  const safe = redactText(paste);
  const x = extract(safe);
  const cards = retrieved.map(cardText).join('\n\n');
  const fixed = countTokens(fillPrompt('triage', { schema: SCHEMA_HINT, system: r.system ?? 'unknown', cards, paste: '' }));
  const room = Math.max(200, llm.cfg.contextTokens - fixed - llm.cfg.maxTokens);
  const salient = x.salient.map((s) => s.text);
  const rest = x.lines.filter((l) => !salient.includes(l));
  const body = fitLines([...salient, ...(salient.length ? ['...'] : []), ...rest], room).text;
  const prompt = fillPrompt('triage', { schema: SCHEMA_HINT, system: r.system ?? 'unknown', cards, paste: body.replace(/PASTE>>>/g, 'PASTE>>') });

  let raw: string;
  try {
    raw = await llm.json(prompt, opts.onText ? { onText: opts.onText } : {});
  } catch (err) {
    return fallback(err instanceof LlmError ? err.reason : 'error');
  }
  let g: Grounded;
  try {
    g = GroundedSchema.parse(JSON.parse(raw));
  } catch {
    return fallback('malformed');
  }
  const problem = verify(g, retrieved);
  if (problem) return fallback(problem);
  // Without rerank the retrieval's choice stays first. With it, the model may pick among the
  // candidates that retrieval found close to the best (a retrieved one, always).
  const top = retrieved[0]!;
  const topScore = r.matches[0]!.score;
  const close = new Set(r.matches.filter((m) => m.score >= RERANK_SHARE * topScore).map((m) => m.id));
  const primaryId = llm.cfg.rerank && close.has(g.cards[0]!) ? g.cards[0]! : top.id;
  if (!g.cards.includes(primaryId)) return fallback('citation');
  const base = primaryId === top.id ? r.reply : (engine.answerFor(primaryId, r.fingerprint) ?? r.reply);
  const citedCards = [primaryId, ...g.cards.filter((id) => id !== primaryId)].map((id) => retrieved.find((c) => c.id === id)!);
  const clean = (s: string) => redactText(s).trim();
  return {
    failure: null,
    reply: {
      ...base,
      summary: clean(g.summary),
      sections: [
        ...(g.steps.length ? [{ heading: 'What to do', blocks: [{ type: 'steps' as const, steps: g.steps.map((s) => ({ text: `${clean(s.text)} [${s.card}]`, code: [] })) }] }] : []),
        ...(g.commands.length ? [{ heading: 'Commands (copied from the cited sections)', blocks: [{ type: 'code' as const, lang: 'bash', text: g.commands.map((c) => c.command.trim()).join('\n') }] }] : []),
        ...(g.question ? [{ heading: 'To narrow it down', blocks: [{ type: 'text' as const, text: clean(g.question) }] }] : []),
        ...base.sections.filter((s) => s.heading !== 'Why this matches'),
      ],
      citations: citedCards.map(citation),
      notes: [...base.notes, `Written by ${llm.cfg.model} from the cited guide sections; its commands are checked against them.`],
    },
  };
}

/**
 * The summary so far, from a streaming JSON answer. Code spans are left out: a command is shown
 * only once it is verified against the cited sections, in the final answer.
 */
export function partialSummary(json: string): string | null {
  const m = /"summary"\s*:\s*"((?:[^"\\]|\\.)*)/.exec(json);
  if (!m) return null;
  let text = m[1]!.replace(/\\$/, '');
  try {
    text = JSON.parse(`"${text}"`) as string;
  } catch {
    return null;
  }
  text = text.replace(/`[^`]*`?/g, '...').trim();
  return text ? redactText(text) : null;
}
