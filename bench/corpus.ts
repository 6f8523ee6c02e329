import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * A larger corpus from the five guides: `copies` of each under new system names (`lloom-2`,
 * ...), the system's own name in the text renamed with it, so each copy reads as another system.
 */
export function scaledCorpus(knowledgeDir: string, out: string, copies: number): number {
  mkdirSync(out, { recursive: true });
  let n = 0;
  for (const file of readdirSync(knowledgeDir).filter((f) => f.endsWith('.md'))) {
    const name = basename(file, '.md');
    const text = readFileSync(join(knowledgeDir, file), 'utf8');
    for (let i = 1; i <= copies; i++) {
      const as = i === 1 ? name : `${name}${i}`;
      writeFileSync(join(out, `${as}.md`), i === 1 ? text : text.replace(new RegExp(`\\b${name}\\b`, 'gi'), as));
      n++;
    }
  }
  return n;
}
