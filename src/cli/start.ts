import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openConsole } from './console.js';
import { serveUntilStopped } from './serve.js';

export function register(program: Command): void {
  program
    .command('start')
    .description('serve Discord and/or Slack when their tokens are set, otherwise open the console')
    .addHelpText('after', '\nExamples:\n  $ npm start')
    .action(async () => {
      const cfg = loadConfig();
      await (cfg.discord || cfg.slack ? serveUntilStopped() : openConsole());
    });
}
