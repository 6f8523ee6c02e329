import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { UsageError } from './input.js';

export function register(program: Command): void {
  program
    .command('register-commands')
    .description('register the Discord slash commands and the "Triage with Medic" message action')
    .addHelpText('after', '\nExamples:\n  $ DISCORD_TOKEN=... medic register-commands --application 123456789012345678 --guild 234567890123456789')
    .requiredOption('--application <id>', 'the Discord application id')
    .option('--guild <id>', 'register in one server only (shows at once); otherwise globally')
    .action(async (o: { application: string; guild?: string }) => {
      const { registerDiscordCommands } = await import('../chat/adapters/discord.js');
      const cfg = loadConfig();
      if (!cfg.discord) throw new UsageError('set DISCORD_TOKEN to register commands');
      const n = await registerDiscordCommands({ ...cfg.discord, applicationId: o.application, ...(o.guild ? { guildId: o.guild } : {}) });
      process.stdout.write(`registered ${n} commands ${o.guild ? `in guild ${o.guild}` : 'globally'}\n`);
    });
}
