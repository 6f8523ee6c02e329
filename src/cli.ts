import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { ConfigError } from './config.js';
import { IndexError } from './knowledge/index-store.js';
import type { StartWorkers } from './queue/worker-pool.js';
import * as analyze from './cli/analyze.js';
import * as buildIndex from './cli/build-index.js';
import * as cards from './cli/cards.js';
import * as check from './cli/check.js';
import * as collect from './cli/collect.js';
import * as consoleVerb from './cli/console.js';
import * as digest from './cli/digest.js';
import * as escalate from './cli/escalate.js';
import * as fit from './cli/fit.js';
import { UsageError } from './cli/input.js';
import * as nodes from './cli/nodes.js';
import * as notes from './cli/notes.js';
import * as registerCommands from './cli/register-commands.js';
import * as serve from './cli/serve.js';
import * as start from './cli/start.js';
import * as triage from './cli/triage.js';
import * as worker from './cli/worker.js';

/** What the entry point supplies: the job processors live above src/. */
export interface CliDeps {
  workers: () => Promise<StartWorkers>;
}

export function program(deps: CliDeps): Command {
  const cmd = new Command('medic')
    .description('Medic: troubleshooting answers from the Lloom, StarCoder, Hourglass, LLMSpell and Hybridgrid guides')
    .showHelpAfterError('(run "medic --help" for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .option('-c, --config <file>', 'the medic.yaml to read (wins over MEDIC_CONFIG and ./medic.yaml)')
    // Every verb reads its configuration through loadConfig, which honours MEDIC_CONFIG.
    .hook('preAction', (root) => {
      const file = root.opts<{ config?: string }>().config;
      if (file) {
        if (!existsSync(file)) throw new UsageError(`--config ${file}: no such file`);
        process.env.MEDIC_CONFIG = resolve(file);
      }
    });

  for (const verb of [triage, analyze, digest, escalate, buildIndex, cards, check, collect]) verb.register(cmd);
  worker.register(cmd, deps.workers);
  for (const verb of [nodes, notes, consoleVerb, serve, registerCommands, fit, start]) verb.register(cmd);
  return cmd;
}

export async function main(argv: string[], deps: CliDeps): Promise<number> {
  // A reader that stops early (`medic cards | head`) ends the command quietly, as with git log.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  try {
    await program(deps).parseAsync(argv);
    // A verb may set its own exit code (medic check: 1 when a check fails).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof IndexError) {
      process.stderr.write(`medic: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`medic: ${(err as Error).message ?? String(err)}\n`);
    return 1;
  }
}

