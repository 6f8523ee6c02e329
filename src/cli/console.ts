import type { Command } from 'commander';
import { loadConfig } from '../config.js';

/** The console on this terminal, jobs inline, until the user leaves. */
export async function openConsole(): Promise<void> {
  const [{ openServices }, { runConsole }] = await Promise.all([import('../app.js'), import('../chat/adapters/console.js')]);
  const cfg = loadConfig();
  const svc = await openServices(cfg, { inlineJobs: true });
  process.stderr.write(svc.mode + '\n');
  try {
    await runConsole(svc);
  } finally {
    await svc.close();
  }
}

export function register(program: Command): void {
  program
    .command('console')
    .description('the local front door: paste errors, read answers, press buttons by number (no tokens needed)')
    .addHelpText('after', '\nExamples:\n  $ medic console')
    .action(() => openConsole());
}
