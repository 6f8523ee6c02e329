import type { Reply } from './reply/reply.js';

/**
 * How long work shows progress: a bundle analysis, a streamed answer. The core posts and edits
 * through a Messenger; each front door implements one.
 */
export interface Messenger {
  /** Where it posts: results that arrive later go there too. */
  readonly target: { channelId: string; threadId: string | null };
  /** Posts a message in the request's channel or thread; returns its id (null if it cannot be edited). */
  post(reply: Reply): Promise<string | null>;
  /** Replaces a message; with an answer id, its buttons work. */
  edit(messageId: string, reply: Reply, answerId?: string): Promise<void>;
}

/**
 * Chat platforms rate-limit edits: progress and streamed answers go through this. It calls `fn`
 * with the latest value at most once per `ms`; values pushed in between replace each other.
 * A failed edit is reported to `onError` and the next value is still sent.
 */
export class Throttle<T> {
  private last = 0;
  private pending: T | null = null;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly ms: number,
    private readonly fn: (value: T) => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  push(value: T): void {
    this.pending = value;
    const wait = this.last + this.ms - Date.now();
    if (wait <= 0) this.send();
    else this.timer ??= setTimeout(() => this.send(), wait);
  }

  private send(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending === null) return;
    const v = this.pending;
    this.pending = null;
    this.last = Date.now();
    this.chain = this.chain.then(() => this.fn(v)).catch((err: unknown) => this.onError(err));
  }

  /** Drops what is pending and waits for what was sent. */
  async settle(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
    await this.chain;
  }
}
