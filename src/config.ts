import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** A configuration problem a user can fix; the message says how. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .optional()
  .transform((v) => (v === undefined ? undefined : ['1', 'true', 'yes'].includes(v)));

const EnvSchema = z.object({
  MEDIC_EMBEDDER: z.enum(['use-lite', 'transformers']).default('use-lite'),
  MEDIC_MODEL: z.string().min(1).optional(),
  MEDIC_MODEL_DIR: z.string().min(1).optional(),
  MEDIC_ALLOW_REMOTE_MODELS: flag,
  MEDIC_MODEL_QUANTIZED: flag,
  MEDIC_DATA_DIR: z.string().min(1).optional(),
  MEDIC_KNOWLEDGE_DIR: z.string().min(1).optional(),
});

export type EmbedderConfig =
  | { kind: 'use-lite' }
  | { kind: 'transformers'; model: string; modelDir?: string; allowRemote: boolean; quantized: boolean };

export interface MedicConfig {
  knowledgeDir: string;
  dataDir: string;
  indexDir: string;
  embedder: EmbedderConfig;
}

/** The folder this package is installed in (holds the shipped knowledge/ and prompts/). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): MedicConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid environment: ${problems}`);
  }
  const e = parsed.data;
  const localKnowledge = resolve(cwd, 'knowledge');
  const knowledgeDir = e.MEDIC_KNOWLEDGE_DIR
    ? resolve(cwd, e.MEDIC_KNOWLEDGE_DIR)
    : existsSync(localKnowledge)
      ? localKnowledge
      : resolve(PACKAGE_ROOT, 'knowledge');
  if (!existsSync(knowledgeDir)) throw new ConfigError(`knowledge folder ${knowledgeDir} does not exist; set MEDIC_KNOWLEDGE_DIR`);
  const dataDir = resolve(cwd, e.MEDIC_DATA_DIR ?? 'data');
  let embedder: EmbedderConfig = { kind: 'use-lite' };
  if (e.MEDIC_EMBEDDER === 'transformers') {
    if (!e.MEDIC_MODEL) throw new ConfigError('MEDIC_EMBEDDER=transformers needs MEDIC_MODEL (a folder under MEDIC_MODEL_DIR, or a hub id)');
    embedder = {
      kind: 'transformers',
      model: e.MEDIC_MODEL,
      ...(e.MEDIC_MODEL_DIR ? { modelDir: resolve(cwd, e.MEDIC_MODEL_DIR) } : {}),
      allowRemote: e.MEDIC_ALLOW_REMOTE_MODELS ?? false,
      quantized: e.MEDIC_MODEL_QUANTIZED ?? true,
    };
  }
  return { knowledgeDir, dataDir, indexDir: resolve(dataDir, 'index'), embedder };
}
