import { Worker } from 'node:worker_threads';
import type { EmbedderConfig } from '../../config.js';

/** Query vectors kept: the same error template, pasted again, is not embedded again. */
const KEPT = 2000;

/**
 * A paste's sentence vector for the bot: from the vectors kept, or from the embedder running in
 * a worker thread, so that the event loop keeps answering while it works. When the thread has not
 * started on a text within `waitMs` (it is busy with others), the answer is null and the paste is
 * ranked without it. An idle thread always takes the text, however long the embedding takes.
 */
export class QueryVectors {
  private readonly worker: Worker;
  private readonly kept = new Map<string, number[]>();
  private readonly inFlight = new Map<string, Promise<number[] | null>>();
  private readonly waiting = new Map<number, (v: number[] | null) => void>();
  private readonly ready: Promise<void>;
  private next = 0;
  private dead = false;
  /** Texts ranked without their vector because the thread was busy. */
  skipped = 0;

  constructor(
    cfg: EmbedderConfig,
    private readonly waitMs: number,
  ) {
    this.worker = new Worker(new URL('./embed-thread.js', import.meta.url), { workerData: cfg });
    this.worker.unref();
    // A thread that dies answers what it held with null: those pastes are ranked without it.
    const fail = () => {
      this.dead = true;
      for (const done of this.waiting.values()) done(null);
      this.waiting.clear();
    };
    this.worker.on('exit', fail);
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('error', (err) => (fail(), reject(err)));
      this.worker.on('message', (m: { ready?: boolean; error?: string; id?: number; vector?: number[] | null }) => {
        if (m.ready !== undefined) return m.ready ? resolve() : reject(new Error(`the sentence model did not load: ${m.error}`));
        const done = this.waiting.get(m.id!);
        this.waiting.delete(m.id!);
        done?.(m.vector ?? null);
      });
    });
  }

  /** Resolves once the thread has loaded the model. */
  load(): Promise<void> {
    return this.ready;
  }

  vector(text: string): Promise<number[] | null> {
    const known = this.kept.get(text);
    if (known) {
      this.kept.delete(text);
      this.kept.set(text, known);
      return Promise.resolve(known);
    }
    if (this.dead) return Promise.resolve(null);
    // The same text asked for at once (a burst of one error) is embedded once.
    let p = this.inFlight.get(text);
    if (!p) {
      const id = this.next++;
      p = new Promise<number[] | null>((resolve) => this.waiting.set(id, resolve)).then((v) => {
        this.inFlight.delete(text);
        if (v) this.keep(text, v);
        else this.skipped++;
        return v;
      });
      this.inFlight.set(text, p);
      this.worker.postMessage({ id, text, startBy: Date.now() + this.waitMs });
    }
    return p;
  }

  private keep(text: string, v: number[]): void {
    this.kept.set(text, v);
    if (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value!);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
