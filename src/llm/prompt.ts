import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../config.js';

/** A prompt from `prompts/NAME.md`, its `{placeholders}` filled; unknown placeholders are an error. */
export function fillPrompt(name: string, values: Record<string, string>, dir = join(PACKAGE_ROOT, 'prompts')): string {
  const path = join(dir, `${name}.md`);
  if (!existsSync(path)) throw new Error(`prompt template ${path} is missing`);
  const template = readFileSync(path, 'utf8');
  return template.replace(/\{(\w+)\}/g, (m, key: string) => {
    if (!(key in values)) throw new Error(`prompt ${name}.md uses {${key}}, which Medic does not fill`);
    return values[key]!;
  });
}
