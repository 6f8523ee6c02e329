import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import type { MedicConfig } from '../src/config.js';
import { createEmbedder } from '../src/knowledge/embedders/index.js';
import { buildIndex } from '../src/knowledge/index-store.js';
import { TriageEngine } from '../src/triage/engine.js';
import { ROOT, tempDir } from '../test/helpers.js';
import { scaledCorpus } from '../test/fixtures/scaled-corpus.js';
import { benchLexical } from './lexical.js';

/** The corpus sizes of the table: the five guides, then 10 and 50 copies of each. */
const COPIES = [1, 10, 50];
const ROUNDS = 3;

export interface ScaleRow {
  guides: number;
  sections: number;
  perPasteMs: number;
  coldStartMs: number;
  fullBuildMs: number;
  /** Adding one guide to the built index (the largest corpus only). */
  addOneGuideMs?: number;
}

const round = (n: number): number => Math.round(n * 10) / 10;

/**
 * Knowledge at scale: per corpus size, a full index build (in a fresh process, until it answers), a
 * cold start (open and one triage, in a fresh process; the median of three) and the mean triage time
 * over the dev pastes once the engine has settled; then one guide added to the largest built index, in this process. Ratios are
 * against the five guides, in the same run.
 */
export async function benchScale(base: MedicConfig, pastes: string[]): Promise<{ rows: ScaleRow[]; ratios: Record<string, number>; lexicalAtLargest: Record<string, unknown> }> {
  const rows: ScaleRow[] = [];
  let lexicalAtLargest: Record<string, unknown> = {};
  for (const copies of COPIES) {
    const dir = tempDir('medic-scale-');
    const knowledgeDir = join(dir, 'knowledge');
    const guides = scaledCorpus(join(ROOT, 'knowledge'), knowledgeDir, copies);
    const cfg = { ...base, knowledgeDir, dataDir: join(dir, 'data'), indexDir: join(dir, 'data', 'index') };
    const env = { ...process.env, MEDIC_KNOWLEDGE_DIR: knowledgeDir, MEDIC_DATA_DIR: cfg.dataDir, REDIS_URL: 'off' };
    // The full build in a fresh process, until it answers (the engine works out and keeps its state
    // once per build): the starts below then run beside an idle bench, not one holding a built corpus.
    const t0 = performance.now();
    const build = spawnSync(process.execPath, [join(ROOT, 'bin', 'medic.js'), 'triage', '--json', 'Error: Address already in use (os error 98)'], { env, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`full build failed: ${build.stderr}`);
    const fullBuildMs = performance.now() - t0;
    // The median of three fresh processes: one start on a shared machine is noisy.
    const starts = [0, 1, 2].map(() => {
      const cold = spawnSync(process.execPath, [join(ROOT, 'dist', 'bench', 'cold.js')], { env, encoding: 'utf8' });
      if (cold.status !== 0) throw new Error(`cold start run failed: ${cold.stderr}`);
      const c = JSON.parse(cold.stdout) as { openMs: number; firstTriageMs: number };
      return c.openMs + c.firstTriageMs;
    });
    const coldStartMs = starts.sort((x, y) => x - y)[1]!;
    const engine = await TriageEngine.open(cfg);
    // Per paste is the steady state: past the moment, two seconds after a start, when the engine reads every card's text.
    await new Promise((r) => setTimeout(r, 3000));
    for (const p of pastes) await engine.triage(p);
    const t1 = performance.now();
    for (let r = 0; r < ROUNDS; r++) for (const p of pastes) await engine.triage(p);
    const row: ScaleRow = { guides, sections: engine.cards.length, perPasteMs: round((performance.now() - t1) / (ROUNDS * pastes.length)), coldStartMs: round(coldStartMs), fullBuildMs: round(fullBuildMs) };
    if (copies === COPIES[COPIES.length - 1]) {
      lexicalAtLargest = benchLexical(engine.cards, pastes);
      // A guide added, then ready to answer: the incremental build, and the engine working out its state again.
      cpSync(join(ROOT, 'knowledge', 'lloom.md'), join(knowledgeDir, 'lloom-added.md'));
      const t2 = performance.now();
      await buildIndex(cfg, cfg.indexDir, createEmbedder(cfg.embedder));
      await TriageEngine.open(cfg);
      row.addOneGuideMs = round(performance.now() - t2);
    }
    rows.push(row);
  }
  const small = rows[0]!;
  const large = rows[rows.length - 1]!;
  return {
    rows,
    lexicalAtLargest,
    ratios: {
      perPaste: Math.round((large.perPasteMs / small.perPasteMs) * 100) / 100,
      coldStart: Math.round((large.coldStartMs / small.coldStartMs) * 100) / 100,
      addOneGuideShareOfFullBuild: Math.round((large.addOneGuideMs! / large.fullBuildMs) * 1000) / 1000,
    },
  };
}

