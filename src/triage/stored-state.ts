import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import type { Manifest } from '../knowledge/index-store.js';
import type { LexicalState } from '../knowledge/lexical.js';
import type { RetrieverState } from './retrieve.js';
import type { DetectorState } from './system.js';

/** What the engine works out from the cards at start: kept beside the index, so a start reads it instead. */
export interface EngineState {
  lexical: LexicalState;
  detector: DetectorState;
  retriever: RetrieverState;
}

const FILE = 'engine-state.v8';
/** The code that works the state out: when it changes, a stored state is worked out again. */
const SOURCES = ['../text/tokens.js', '../text/mask.js', '../text/languages.js', '../knowledge/lexical.js', './system.js', './retrieve.js'];

/** Which index build and which code a stored state belongs to. */
export function stateStamp(manifest: Manifest): string {
  const h = createHash('sha256').update(manifest.builtAt).update(JSON.stringify(manifest.guides));
  for (const s of SOURCES) h.update(readFileSync(fileURLToPath(new URL(s, import.meta.url))));
  return h.digest('hex').slice(0, 24);
}

/** The stored state for this stamp, or null (none yet, another build, other code, unreadable). */
export function loadState(indexDir: string, stamp: string): EngineState | null {
  try {
    const stored = deserialize(readFileSync(join(indexDir, FILE))) as { stamp: string; state: EngineState };
    return stored.stamp === stamp ? stored.state : null;
  } catch {
    return null;
  }
}

/** Keeps the state for the next start; a folder that cannot be written only costs that start its time. */
export function saveState(indexDir: string, stamp: string, state: EngineState): void {
  const path = join(indexDir, FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, serialize({ stamp, state }));
    renameSync(tmp, path);
  } catch {
    // Read-only data folder: the next start works it out again.
  }
}
