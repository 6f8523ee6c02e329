import { Embeddings } from '@langchain/core/embeddings';

/**
 * A sentence embedder behind LangChain's `Embeddings` interface. `id` names the model so the
 * index manifest can tell when vectors were built by another one.
 */
export abstract class MedicEmbedder extends Embeddings {
  abstract readonly id: string;
  /** Loads the model; cheap when already loaded. */
  abstract load(): Promise<void>;

  constructor() {
    super({ maxRetries: 0 });
  }
}

export class EmbedderError extends Error {
  override name = 'EmbedderError';
}
