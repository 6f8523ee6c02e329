import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfig, type MedicConfig } from '../config.js';
import type { LlmClient, LlmFailure } from '../llm/client.js';
import { groundedAnswer, partialSummary } from '../llm/grounded.js';
import { renderText } from '../reply/text.js';
import { registeredNodes, type TriageContext, type TriageEngine, type TriageResult } from '../triage/engine.js';
import { checkPaste, positiveInt, readPaste, UsageError } from './input.js';
import { openEngine } from './progress-bars.js';

const JsonlCase = z.object({ id: z.union([z.string(), z.number()]).transform(String), paste: z.string() });

/** What the model did for one answer (`--json`). */
interface LlmUse {
  used: boolean;
  model: string | null;
  /** Why the guide's own answer was shown instead of the model's; null when it was not asked. */
  fallbackReason: LlmFailure | null;
}

/**
 * The model's grounded answer in place of the extractive one, through the same path, checks
 * and fallbacks as chat. `onSummary` hears the summary as it is written.
 */
async function withModel(llm: LlmClient | null, engine: TriageEngine, paste: string, r: TriageResult, onSummary?: (s: string) => void): Promise<{ r: TriageResult; llm: LlmUse }> {
  if (!llm) return { r, llm: { used: false, model: null, fallbackReason: null } };
  if (r.abstain) return { r, llm: { used: false, model: llm.cfg.model, fallbackReason: null } };
  const g = await groundedAnswer(llm, engine, paste, r, onSummary ? { onText: (t) => { const s = partialSummary(t); if (s) onSummary(s); } } : {});
  // With rerank the model may put another retrieved section first: the matches follow it.
  const first = g.failure ? null : g.reply.citations[0]?.cardId;
  const matches = first && first !== r.matches[0]?.id ? [...r.matches.filter((m) => m.id === first), ...r.matches.filter((m) => m.id !== first)] : r.matches;
  return { r: { ...r, reply: g.reply, matches }, llm: { used: g.failure === null, model: llm.cfg.model, fallbackReason: g.failure } };
}

async function modelFor(cfg: MedicConfig, wanted: boolean): Promise<LlmClient | null> {
  if (!wanted || !cfg.llm) return null;
  const { llmFor } = await import('../llm/client.js');
  return llmFor(cfg);
}

async function triageJsonl(engine: TriageEngine, top: number, context: TriageContext, llm: LlmClient | null): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let id: string | null = null;
    try {
      const raw: unknown = JSON.parse(line);
      const c = JsonlCase.parse(raw);
      id = c.id;
      const paste = checkPaste(c.paste);
      const plain = await engine.triage(paste, { top, context });
      const { r, llm: used } = await withModel(llm, engine, paste, plain);
      process.stdout.write(JSON.stringify({ id, abstain: r.abstain, confidence: r.confidence, matches: r.matches, fingerprint: r.fingerprint, system: r.system, ...(llm ? { llm: used } : {}) }) + '\n');
    } catch (err) {
      const message = err instanceof z.ZodError ? 'each line needs {"id": string, "paste": string}' : (err as Error).message;
      process.stdout.write(JSON.stringify({ id, error: message }) + '\n');
    }
  }
}

export function register(program: Command): void {
  program
    .command('triage')
    .description('match a pasted error to the guide section that fixes it, or abstain')
    .addHelpText('after', '\nExamples:\n  $ medic triage "Error: Address already in use (os error 98)"\n  $ kubectl logs deploy/executor | medic triage --system hourglass --json --explain')
    .argument('[text...]', 'the error text (otherwise --file or standard input)')
    .option('-f, --file <path>', 'read the paste from a file')
    .option('--json', 'print one JSON object: fingerprint, system, abstain, confidence, matches, reply, llm')
    .option('--jsonl', 'batch mode: read {"id","paste"} lines on stdin, write one result line each (the guides alone: no feedback and no model, so results are reproducible)')
    .option('--top <n>', 'how many matches to return', positiveInt, 3)
    .option('--explain', 'with --json: why it answered or abstained (coverage, section kinds, system evidence, confidence)')
    .option('--system <name>', 'the system the paste comes from (a guide name), when the paste does not say')
    .option('--llm', 'with --jsonl: let the configured model write each answer too')
    .option('--no-llm', 'answer from the guides alone, even when a model is configured')
    .action(async (words: string[], o: { file?: string; json?: boolean; jsonl?: boolean; top: number; explain?: boolean; system?: string; llm?: boolean }) => {
      const cfg = loadConfig();
      const contextFor = (engine: TriageEngine): TriageContext => {
        if (o.system && !engine.guides.includes(o.system)) throw new UsageError(`--system ${o.system}: no such guide; known: ${engine.guides.join(', ')}`);
        return { ...(o.system ? { system: { guide: o.system, source: '--system' } } : {}), nodes: registeredNodes(cfg) };
      };
      if (o.jsonl) {
        const engine = await openEngine(cfg);
        await triageJsonl(engine, o.top, contextFor(engine), await modelFor(cfg, o.llm === true));
        return;
      }
      const paste = words.length ? checkPaste(words.join(' ')) : await readPaste(o.file, 'nothing to triage: give the text, --file F, or pipe it in');
      const engine = await openEngine(cfg);
      // What people said in chat about this error (Fixed it, a pick, None of these) counts here too, and so do team notes.
      const { openStore } = await import('../app.js');
      const store = await openStore(cfg, 'feedback and team notes from');
      let plain: TriageResult & { explain?: unknown };
      try {
        await engine.syncNotes(store);
        plain = await engine.triage(paste, { top: o.top, explain: Boolean(o.explain), context: contextFor(engine), feedbackFor: (fp) => store.getFeedback(fp) });
      } finally {
        await store.close();
      }
      const llm = await modelFor(cfg, o.llm !== false);
      if (llm) process.stderr.write(`medic: answers written by ${llm.cfg.model} from the guides (--no-llm for the guides alone)\n`);
      // On a terminal the model's summary appears as it is written; the full answer follows.
      let shown = '';
      const stream = !o.json && process.stdout.isTTY ? (s: string) => {
        if (!s.startsWith(shown)) return;
        process.stdout.write(s.slice(shown.length));
        shown = s;
      } : undefined;
      const { r, llm: used } = await withModel(llm, engine, paste, plain, stream);
      if (shown) process.stdout.write('\n\n');
      if (o.json) process.stdout.write(JSON.stringify({ ...r, explain: plain.explain, llm: used }, null, 2) + '\n');
      else {
        process.stdout.write(renderText(r.reply) + '\n');
        process.stdout.write(`\nfingerprint ${r.fingerprint}  system ${r.system ?? 'unknown'}  confidence ${r.confidence.toFixed(2)}${r.abstain ? '  (abstained)' : ''}\n`);
      }
    });
}
