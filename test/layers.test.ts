import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './helpers.js';

/** Every import of every TypeScript file under src/: static, type-only and dynamic. */
function imports(): Array<{ file: string; spec: string; target: string | null }> {
  const out: Array<{ file: string; spec: string; target: string | null }> = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) {
        const file = relative(ROOT, p);
        for (const m of readFileSync(p, 'utf8').matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm)) {
          const spec = m[1]!;
          const target = spec.startsWith('.') ? relative(ROOT, resolve(dirname(p), spec)).replace(/\.js$/, '.ts') : null;
          out.push({ file, spec, target });
        }
      }
    }
  };
  walk(join(ROOT, 'src'));
  return out;
}

describe('the layers of src/', () => {
  const all = imports();

  it('reads the imports (the rule below checks something)', () => {
    assert.ok(all.length > 200, `only ${all.length} imports found`);
    assert.ok(all.some((i) => i.file === 'src/app.ts' && i.target === 'src/chat/router.ts'));
  });

  it('the core knows nothing about chat: only the CLI and the composition root import src/chat/', () => {
    const entry = (f: string) => f.startsWith('src/chat/') || f === 'src/cli.ts' || f.startsWith('src/cli/') || f === 'src/app.ts';
    const bad = all.filter((i) => !entry(i.file) && i.target?.startsWith('src/chat/'));
    assert.deepEqual(bad.map((i) => `${i.file} imports ${i.spec}`), []);
  });

  it('nothing under src/ imports workers/ or the CLI entry', () => {
    const bad = all.filter((i) => i.target && (i.target.startsWith('workers/') || i.target === 'src/cli.ts'));
    assert.deepEqual(bad.map((i) => `${i.file} imports ${i.spec}`), []);
  });

  it('only the adapters and their renderers import the chat platform libraries', () => {
    const bad = all.filter((i) => /^(discord\.js|@slack\/bolt)$/.test(i.spec) && !/^src\/chat\/(adapters|render)\//.test(i.file));
    assert.deepEqual(bad.map((i) => `${i.file} imports ${i.spec}`), []);
  });
});
