import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { renderText } from '../reply/text.js';
import { registeredNodes, type TriageContext, type TriageEngine, type TriageResult } from '../triage/engine.js';
import { checkPaste, positiveInt, readPaste, UsageError } from './input.js';
import { openEngine } from './progress-bars.js';

const JsonlCase = z.object({ id: z.union([z.string(), z.number()]).transform(String), paste: z.string() });

async function triageJsonl(engine: TriageEngine, top: number, context: TriageContext): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let id: string | null = null;
    try {
      const raw: unknown = JSON.parse(line);
      const c = JsonlCase.parse(raw);
      id = c.id;
      const r = await engine.triage(checkPaste(c.paste), { top, context });
      process.stdout.write(JSON.stringify({ id, abstain: r.abstain, confidence: r.confidence, matches: r.matches, fingerprint: r.fingerprint, system: r.system }) + '\n');
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
    .option('--json', 'print one JSON object: fingerprint, system, abstain, confidence, matches, reply')
    .option('--jsonl', 'batch mode: read {"id","paste"} lines on stdin, write one result line each (the guides alone: no feedback, so results are reproducible)')
    .option('--top <n>', 'how many matches to return', positiveInt, 3)
    .option('--explain', 'with --json: why it answered or abstained (coverage, section kinds, system evidence, confidence)')
    .option('--system <name>', 'the system the paste comes from (a guide name), when the paste does not say')
    .action(async (words: string[], o: { file?: string; json?: boolean; jsonl?: boolean; top: number; explain?: boolean; system?: string }) => {
      const cfg = loadConfig();
      const contextFor = (engine: TriageEngine): TriageContext => {
        if (o.system && !engine.guides.includes(o.system)) throw new UsageError(`--system ${o.system}: no such guide; known: ${engine.guides.join(', ')}`);
        return { ...(o.system ? { system: { guide: o.system, source: '--system' } } : {}), nodes: registeredNodes(cfg) };
      };
      if (o.jsonl) {
        const engine = await openEngine(cfg);
        await triageJsonl(engine, o.top, contextFor(engine));
        return;
      }
      const paste = words.length ? checkPaste(words.join(' ')) : await readPaste(o.file, 'nothing to triage: give the text, --file F, or pipe it in');
      const engine = await openEngine(cfg);
      // What people said in chat about this error (Fixed it, a pick, None of these) counts here too.
      const { openStore } = await import('../app.js');
      const store = await openStore(cfg, 'feedback from');
      let r: TriageResult & { explain?: unknown };
      try {
        r = await engine.triage(paste, { top: o.top, explain: Boolean(o.explain), context: contextFor(engine), feedbackFor: (fp) => store.getFeedback(fp) });
      } finally {
        await store.close();
      }
      if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else {
        process.stdout.write(renderText(r.reply) + '\n');
        process.stdout.write(`\nfingerprint ${r.fingerprint}  system ${r.system ?? 'unknown'}  confidence ${r.confidence.toFixed(2)}${r.abstain ? '  (abstained)' : ''}\n`);
      }
    });
}
