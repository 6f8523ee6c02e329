import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { createEmbedder } from '../knowledge/embedders/index.js';
import { buildIndex, sourcesLine } from '../knowledge/index-store.js';
import { progressBar } from './progress-bars.js';

export function register(program: Command): void {
  program
    .command('index')
    .description('build or refresh the search index from knowledge/ (only changed guides are re-embedded)')
    .addHelpText('after', '\nExamples:\n  $ medic index --force')
    .option('--force', 'rebuild every guide')
    .option('--json', 'print the result as JSON')
    .action(async (o: { force?: boolean; json?: boolean }) => {
      const cfg = loadConfig();
      const embedder = createEmbedder(cfg.embedder);
      const bar = progressBar('indexing');
      const started = Date.now();
      let r;
      try {
        r = await buildIndex(cfg, cfg.indexDir, embedder, { force: Boolean(o.force), onProgress: bar.onProgress });
      } finally {
        bar.stop();
      }
      const ms = Date.now() - started;
      if (o.json) process.stdout.write(JSON.stringify({ ...r, ms }, null, 2) + '\n');
      else {
        process.stdout.write(
          `indexed ${r.cards} cards from ${sourcesLine(r.manifest)} into ${cfg.indexDir} in ${ms} ms\n` +
            `  rebuilt: ${r.rebuilt.join(', ') || 'none'} (${r.embedded} sections embedded, the rest kept their vectors)\n  unchanged: ${r.reused.join(', ') || 'none'}\n` +
            (r.removed.length ? `  removed: ${r.removed.join(', ')}\n` : '') +
            `  embedder: ${r.manifest.embedder.id} (${r.manifest.embedder.dimensions} dimensions)\n`,
        );
      }
    });
}
