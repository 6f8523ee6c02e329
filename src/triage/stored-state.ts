import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import type { Manifest } from '../knowledge/index-store.js';
import type { LexicalState } from '../knowledge/lexical.js';
import type { CardStub } from '../knowledge/stored-cards.js';
import type { RetrieverState } from './retrieve.js';
import type { DetectorState } from './system.js';

/** What the engine works out from the cards at start: kept beside the index, so a start reads it instead. */
export interface EngineState {
  /** What ranking reads of each card, in the engine's order: a start reads these, and a card's text only when it answers. */
  cards: CardStub[];
  lexical: LexicalState;
  detector: DetectorState;
  retriever: RetrieverState;
}

const FILE = 'engine-state.v10';
/** The code that works the state out: when it changes, a stored state is worked out again. */
const SOURCES = ['../text/tokens.js', '../text/mask.js', '../text/languages.js', '../knowledge/lexical.js', '../knowledge/stored-cards.js', './system.js', './retrieve.js'];

/** Which index build and which code a stored state belongs to. */
export function stateStamp(manifest: Manifest): string {
  const h = createHash('sha256').update(manifest.builtAt).update(JSON.stringify(manifest.guides));
  for (const s of SOURCES) h.update(readFileSync(fileURLToPath(new URL(s, import.meta.url))));
  return h.digest('hex').slice(0, 24);
}

/**
 * The state as written: the many small arrays of strings (card stubs, error lines, commands) as
 * JSON text, which reads back about twice as fast as the same arrays through v8's deserializer.
 */
interface PackedState {
  stamp: string;
  state: Omit<EngineState, 'cards' | 'retriever'> & { cards: string; retriever: Omit<RetrieverState, 'lines' | 'commands'> & { lines: string; commands: string } };
}

/** The stored state for this stamp, or null (none yet, another build, other code, unreadable). */
export function loadState(indexDir: string, stamp: string): EngineState | null {
  try {
    const { stamp: was, state } = deserialize(readFileSync(join(indexDir, FILE))) as PackedState;
    if (was !== stamp) return null;
    const retriever = { ...state.retriever, lines: JSON.parse(state.retriever.lines) as RetrieverState['lines'], commands: JSON.parse(state.retriever.commands) as RetrieverState['commands'] };
    return { ...state, cards: JSON.parse(state.cards) as EngineState['cards'], retriever };
  } catch {
    return null;
  }
}

/** Keeps the state for the next start; a folder that cannot be written only costs that start its time. */
export function saveState(indexDir: string, stamp: string, state: EngineState): void {
  const path = join(indexDir, FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const packed: PackedState = {
      stamp,
      state: { ...state, cards: JSON.stringify(state.cards), retriever: { ...state.retriever, lines: JSON.stringify(state.retriever.lines), commands: JSON.stringify(state.retriever.commands) } },
    };
    writeFileSync(tmp, serialize(packed));
    renameSync(tmp, path);
    // An earlier version's file is only read by earlier code.
    for (const f of readdirSync(indexDir)) if (/^engine-state\.v\d+$/.test(f) && f !== FILE) rmSync(join(indexDir, f), { force: true });
  } catch {
    // Read-only data folder: the next start works it out again.
  }
}
