import { LEADING_LEVEL_WORDS, PYTHON_LEVEL_WORDS } from './log-level.js';

/**
 * How programs written in each language (and their runtimes) print errors and are run. These are
 * facts about languages, not about any guide: a guide shows which language its system speaks,
 * and a paste in that language more likely comes from that system.
 */
const MARKERS: Record<string, RegExp[]> = {
  rust: [
    /thread '[^']*' panicked at/g,
    /\bRUST_(?:LOG|BACKTRACE)\b/g,
    /\bcargo (?:build|run|install|test|update)\b/g,
    // A tracing / env_logger record: level, then the module path as target (C++ `std::` is no log target).
    new RegExp(`\\b(?:${LEADING_LEVEL_WORDS})\\s+[a-z_][a-z0-9_]*(?:::[a-z0-9_]+)+:`, 'g'),
    /\.rs:\d+/g,
    /^Caused by:\s*$/gm,
    /memory allocation of \d+ bytes failed/g,
    /called `(?:Result|Option)::unwrap\(\)`/g,
  ],
  go: [
    /^goroutine \d+ \[/gm,
    /^panic: /gm,
    /\.go:\d+/g,
    /\bgo (?:build|run|install|test|mod|get)\b/g,
  ],
  python: [
    /^Traceback \(most recent call last\)/gm,
    /File "[^"]+\.py", line \d+/g,
    /\bpip3? install\b/g,
    /\bpython3? (?:-m \S+|\S+\.py)\b/g,
    new RegExp(`^(?:${PYTHON_LEVEL_WORDS}):[\\w.]+:`, 'gm'),
  ],
  javascript: [/\bat \S+ \([^)]*\.[cm]?[jt]s:\d+:\d+\)/g, /\bnpm (?:install|run|ci|start)\b/g, /\bnode_modules\//g, /\bUnhandledPromiseRejection/g],
  lua: [/\.lua:\d+:/g, /^stack traceback:/gm],
};

/** Code fence tags per language. */
const FENCES: Record<string, string[]> = {
  rust: ['rust', 'rs'],
  go: ['go', 'golang'],
  python: ['python', 'py', 'python3'],
  javascript: ['javascript', 'js', 'typescript', 'ts'],
  lua: ['lua'],
};

/** The language a code fence's tag names, if it is one of ours. */
export function fenceLanguage(tag: string): string | null {
  const t = tag.toLowerCase();
  return Object.keys(FENCES).find((l) => FENCES[l]!.includes(t)) ?? null;
}

/** How many times each language's markers occur in a text. */
export function languageCounts(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [lang, res] of Object.entries(MARKERS)) {
    let n = 0;
    for (const re of res) n += text.match(re)?.length ?? 0;
    if (n) out.set(lang, n);
  }
  return out;
}
