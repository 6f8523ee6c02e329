#!/usr/bin/env node
import { main } from '../dist/src/cli.js';

// The worker process sits above src/: the entry point hands it to the CLI, loaded only for `medic worker`.
process.exitCode = await main(process.argv, { workers: async () => (await import('../dist/workers/index.js')).startWorkers });
