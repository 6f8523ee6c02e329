import { loadConfig } from '../src/config.js';
import { TriageEngine } from '../src/triage/engine.js';

/** One cold start: open the engine (model and index load) and triage once. */
const t0 = performance.now();
const engine = await TriageEngine.open(loadConfig());
const openMs = performance.now() - t0;
const t1 = performance.now();
await engine.triage('ERROR lloom_core::network: Failed to dial bootstrap peer: Transport error');
process.stdout.write(JSON.stringify({ openMs, firstTriageMs: performance.now() - t1 }) + '\n');
