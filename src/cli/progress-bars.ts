import cliProgress from 'cli-progress';
import type { AnalyzeProgress } from '../bundles/analyze.js';
import type { MedicConfig } from '../config.js';
import type { BuildProgress } from '../knowledge/index-store.js';
import { TriageEngine } from '../triage/engine.js';

/** A progress bar on stderr for building the index. */
export function progressBar(label: string): { onProgress: (p: BuildProgress) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { format: `${label} {phase} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress: (p) => {
      if (!started) {
        bar.start(p.total, p.done, { phase: p.phase });
        started = true;
      }
      bar.setTotal(Math.max(1, p.total));
      bar.update(p.done, { phase: p.phase });
    },
    stop: () => started && bar.stop(),
  };
}

/** A progress bar on stderr for a bundle: unpacking, scanning, matching. */
export function analyzeProgressBar(): { onProgress: (p: AnalyzeProgress) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar({ format: '{stage} [{bar}] {detail}', stream: process.stderr, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    onProgress: (p) => {
      const [value, total, detail] =
        p.stage === 'unpacking' ? [p.read, Math.max(1, p.total), `${p.files} files`] : p.stage === 'scanning' ? [p.done, Math.max(1, p.total), `${p.done}/${p.total} logs ${p.file}`] : [p.done, Math.max(1, p.total), `${p.done}/${p.total}`];
      if (!started) {
        bar.start(total, value, { stage: p.stage, detail });
        started = true;
      }
      bar.setTotal(total);
      bar.update(value, { stage: p.stage.padEnd(9), detail });
    },
    stop: () => started && bar.stop(),
  };
}

/** The triage engine, building the index first if it must, with a bar on a terminal. */
export async function openEngine(cfg: MedicConfig, dense = true): Promise<TriageEngine> {
  const bar = process.stderr.isTTY ? progressBar('indexing') : null;
  try {
    return await TriageEngine.open(cfg, {
      dense,
      onNotice: (m) => process.stderr.write(m + '\n'),
      ...(bar ? { onProgress: bar.onProgress } : {}),
    });
  } finally {
    bar?.stop();
  }
}
