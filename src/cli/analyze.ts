import type { Command } from 'commander';
import { analyzeBundle } from '../bundles/analyze.js';
import { BundleError } from '../bundles/limits.js';
import { renderReportMarkdown, renderReportText } from '../bundles/report.js';
import { loadConfig } from '../config.js';
import { UsageError, writeUserFile } from './input.js';
import { analyzeProgressBar, openEngine } from './progress-bars.js';

export function register(program: Command): void {
  program
    .command('analyze')
    .description('analyze a diagnostic bundle (.tar.gz, .tgz, .tar, .zip, .gz, a log, or a folder): ranked findings with evidence and fixes')
    .addHelpText('after', '\nExamples:\n  $ medic analyze lloom-diagnostics.tar.gz --report report.md')
    .argument('<path>', 'the bundle')
    .option('--json', 'print the full report as JSON')
    .option('--report <file>', 'also write the report as Markdown to this file')
    .action(async (path: string, o: { json?: boolean; report?: string }) => {
      const cfg = loadConfig();
      const engine = await openEngine(cfg, false);
      const bar = process.stderr.isTTY ? analyzeProgressBar() : null;
      let report;
      try {
        report = await analyzeBundle(path, engine, { limits: cfg.bundles, ...(bar ? { onProgress: bar.onProgress } : {}) });
      } catch (err) {
        if (err instanceof BundleError) throw new UsageError(err.message);
        throw err;
      } finally {
        bar?.stop();
      }
      if (o.report) {
        writeUserFile(o.report, renderReportMarkdown(report));
      }
      process.stdout.write(o.json ? JSON.stringify(report, null, 2) + '\n' : renderReportText(report));
    });
}
