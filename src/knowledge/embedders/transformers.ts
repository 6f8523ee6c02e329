import { EmbedderError, MedicEmbedder } from './embedder.js';

export interface TransformersOptions {
  /** Model name: a folder under `modelDir`, or a hub id when remote models are allowed. */
  model: string;
  modelDir?: string;
  allowRemote: boolean;
  /** Load `onnx/model_quantized.onnx` (the transformers.js default) instead of `onnx/model.onnx`. */
  quantized: boolean;
}

type Extractor = (texts: string[], opts: { pooling: 'mean'; normalize: boolean }) => Promise<{ tolist(): number[][] }>;

const BATCH = 16;

/** A sentence model run by transformers.js (ONNX), from a local folder or, if allowed, the hub. */
export class TransformersEmbedder extends MedicEmbedder {
  readonly id: string;
  private extractor: Promise<Extractor> | null = null;

  constructor(private readonly opts: TransformersOptions) {
    super();
    this.id = `transformers:${opts.model}${opts.quantized ? ':q' : ''}`;
  }

  async load(): Promise<void> {
    await this.get();
  }

  private get(): Promise<Extractor> {
    this.extractor ??= (async () => {
      const t = await import('@xenova/transformers');
      t.env.allowRemoteModels = this.opts.allowRemote;
      t.env.allowLocalModels = true;
      if (this.opts.modelDir) t.env.localModelPath = this.opts.modelDir.endsWith('/') ? this.opts.modelDir : `${this.opts.modelDir}/`;
      try {
        const pipe = await t.pipeline('feature-extraction', this.opts.model, { quantized: this.opts.quantized });
        return pipe as unknown as Extractor;
      } catch (err) {
        const where = this.opts.modelDir ? `in ${this.opts.modelDir}` : 'locally';
        const hint = this.opts.allowRemote ? '' : ' (remote models are off; set MEDIC_ALLOW_REMOTE_MODELS=1 to fetch from the hub)';
        throw new EmbedderError(`cannot load transformers model "${this.opts.model}" ${where}${hint}: ${(err as Error).message}`);
      }
    })();
    return this.extractor;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const extract = await this.get();
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += BATCH) {
      const tensor = await extract(texts.slice(i, i + BATCH), { pooling: 'mean', normalize: true });
      out.push(...tensor.tolist());
    }
    return out;
  }

  async embedQuery(text: string): Promise<number[]> {
    const [v] = await this.embedDocuments([text]);
    return v!;
  }
}
