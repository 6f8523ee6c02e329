import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createEmbedder } from '../src/knowledge/embedders/index.js';
import { buildIndex } from '../src/knowledge/index-store.js';
import { TriageEngine } from '../src/triage/engine.js';
import { ROOT, tempDir } from '../test/helpers.js';
import { benchChecks } from './checks.js';
import { pct } from './percentile.js';
import { benchBundles } from './bundles.js';
import { benchScale } from './scale.js';
import { benchAlerts } from './alerts.js';

/** Benchmarks for the triage engine; prints one JSON object. */
const DEV = join(ROOT, '..', 'shared', 'eval', 'dev.jsonl');
const ROUNDS = 5;

function pastes(): string[] {
  if (existsSync(DEV)) return readFileSync(DEV, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { paste: string }).paste);
  return ['Error: Address already in use (os error 98)', 'ERROR lloom_core::network: Failed to dial bootstrap peer: Transport error', 'Reason: CrashLoopBackOff'];
}

async function main(): Promise<void> {
  const base = loadConfig();
  const dataDir = tempDir('medic-bench-');
  const cfg = { ...base, dataDir, indexDir: join(dataDir, 'index') };

  // Full build, in this process (model load included, as a first `medic index` pays it).
  const buildStart = performance.now();
  await buildIndex(cfg, cfg.indexDir, createEmbedder(cfg.embedder), { force: true });
  const fullBuildMs = performance.now() - buildStart;

  // Cold start in a fresh process: model and index load, then one triage.
  const cold = spawnSync(process.execPath, [join(ROOT, 'dist', 'bench', 'cold.js')], { env: { ...process.env, MEDIC_DATA_DIR: dataDir }, encoding: 'utf8' });
  if (cold.status !== 0) throw new Error(`cold start run failed: ${cold.stderr}`);
  const coldStart = JSON.parse(cold.stdout) as { openMs: number; firstTriageMs: number };

  const engine = await TriageEngine.open(cfg);
  const inputs = pastes();
  for (const p of inputs) await engine.triage(p);
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const p of inputs) {
      const t = performance.now();
      await engine.triage(p);
      times.push(performance.now() - t);
    }
  }
  const round = (n: number): number => Math.round(n * 10) / 10;
  const result = {
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    embedder: engine.cards.length ? cfg.embedder.kind : 'none',
    cards: engine.cards.length,
    triage: { pastes: inputs.length, runs: times.length, p50Ms: round(pct(times, 50)), p99Ms: round(pct(times, 99)), meanMs: round(times.reduce((a, b) => a + b, 0) / times.length) },
    coldStart: { modelAndIndexLoadMs: round(coldStart.openMs), firstTriageMs: round(coldStart.firstTriageMs) },
    fullIndexBuildMs: round(fullBuildMs),
    peakRssMB: round(process.resourceUsage().maxRSS / 1024),
    targets: { p50Ms: 30, p99Ms: 80, coldStartMs: 2000, fullIndexBuildMs: 10000 },
    checksThroughBullmq: await benchChecks(),
    bundleAnalysis: await benchBundles(dataDir),
    alertsThroughWebhook: await benchAlerts(dataDir),
    knowledgeAtScale: await benchScale(base, inputs),
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

await main();
