import type { EmbedderConfig } from '../../config.js';
import type { MedicEmbedder } from './embedder.js';
import { TransformersEmbedder } from './transformers.js';
import { UseLiteEmbedder } from './use-lite.js';

export { MedicEmbedder, EmbedderError } from './embedder.js';

export function createEmbedder(cfg: EmbedderConfig): MedicEmbedder {
  if (cfg.kind === 'transformers') {
    return new TransformersEmbedder({
      model: cfg.model,
      allowRemote: cfg.allowRemote,
      quantized: cfg.quantized,
      ...(cfg.modelDir ? { modelDir: cfg.modelDir } : {}),
    });
  }
  return new UseLiteEmbedder();
}
