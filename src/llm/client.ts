import OpenAI from 'openai';
import type { MedicConfig } from '../config.js';

/** Why a model answer was not used; each is counted (`medic_llm_total{outcome}`). */
export type LlmFailure = 'timeout' | 'error' | 'malformed' | 'citation' | 'command';

export class LlmError extends Error {
  constructor(
    message: string,
    readonly reason: LlmFailure,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}

/**
 * An OpenAI-compatible chat model (OpenAI, LM Studio, Ollama, vLLM) through the `openai` SDK:
 * its retries with backoff on 429 and 5xx, a timeout per request, and one budget for the whole.
 */
export class LlmClient {
  private readonly client: OpenAI;

  constructor(readonly cfg: NonNullable<MedicConfig['llm']>) {
    this.client = new OpenAI({ apiKey: cfg.apiKey, ...(cfg.baseURL ? { baseURL: cfg.baseURL } : {}), maxRetries: cfg.retries, timeout: cfg.timeoutMs });
  }

  /**
   * One JSON completion. Streams when `onText` is given (the text so far, for live edits).
   * Throws LlmError('timeout') when the budget runs out, whatever the retries were doing.
   */
  async json(prompt: string, opts: { budgetMs?: number; onText?: (text: string) => void } = {}): Promise<string> {
    const budget = opts.budgetMs ?? this.cfg.budgetMs;
    const signal = AbortSignal.timeout(budget);
    const body = { model: this.cfg.model, messages: [{ role: 'user' as const, content: prompt }], max_tokens: this.cfg.maxTokens, temperature: 0, response_format: { type: 'json_object' as const } };
    try {
      if (!opts.onText) {
        const r = await this.client.chat.completions.create(body, { signal });
        return unfenced(r.choices[0]?.message?.content ?? '');
      }
      const stream = await this.client.chat.completions.create({ ...body, stream: true }, { signal });
      let text = '';
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        opts.onText(text);
      }
      return unfenced(text);
    } catch (err) {
      if (signal.aborted || err instanceof OpenAI.APIConnectionTimeoutError || (err as Error).name === 'AbortError' || err instanceof OpenAI.APIUserAbortError) {
        throw new LlmError(`the model gave no answer within ${budget} ms`, 'timeout');
      }
      throw new LlmError(`the model request failed: ${(err as Error).message}`, 'error');
    }
  }
}

/** The configured model, or null (extractive answers only). */
export function llmFor(cfg: MedicConfig): LlmClient | null {
  return cfg.llm ? new LlmClient(cfg.llm) : null;
}

/** Models sometimes wrap JSON in a Markdown fence although asked not to. */
function unfenced(text: string): string {
  return text.replace(/^\s*```(?:json)?\s*|\s*```\s*$/g, '');
}
