import type { Command } from 'commander';
import { planChecks } from '../checks/planner.js';
import { loadConfig } from '../config.js';
import { parseSource, readSources } from '../knowledge/index-store.js';
import { UsageError } from './input.js';

export function register(program: Command): void {
  program
    .command('cards')
    .description('list the problem cards parsed from the guides and runbooks, with where each comes from (to check a new one parses)')
    .addHelpText('after', '\nExamples:\n  $ medic cards --guide lloom --checks')
    .option('-g, --guide <id>', 'only this guide')
    .option('--json', 'print full cards as JSON')
    .option('--checks', 'with each card, the checks its diagnosis commands suggest')
    .action((o: { guide?: string; json?: boolean; checks?: boolean }) => {
      const cfg = loadConfig();
      const guides = readSources(cfg).filter((g) => !o.guide || g.guide === o.guide);
      if (o.guide && guides.length === 0) throw new UsageError(`no guide or runbook of "${o.guide}" in ${cfg.knowledgeDir}${cfg.runbooks.length ? ' or the knowledge: folders' : ''}`);
      const parsed = guides.flatMap(parseSource);
      const cards = o.checks ? parsed.map((c) => ({ ...c, suggestedChecks: planChecks(c) })) : parsed;
      if (o.json) process.stdout.write(JSON.stringify(cards, null, 2) + '\n');
      else {
        for (const c of cards) {
          process.stdout.write(
            `${c.id}  [${c.kind}] ${c.source ?? `knowledge/${c.guide}.md`}:${c.lines.start}-${c.lines.end}  errors ${c.errorLines.length}, steps ${c.solutions.length}, commands ${c.commands.length}` +
              ('suggestedChecks' in c ? `, checks: ${(c.suggestedChecks as Array<{ name: string }>).map((x) => x.name).join(' ') || '-'}` : '') +
              '\n',
          );
        }
        process.stdout.write(`${cards.length} cards\n`);
      }
    });
}
