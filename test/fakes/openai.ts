import { createServer, type Server } from 'node:http';
import { listenLocal, readBody } from './http.js';

/** What the fake answers next: a JSON body (as the model's content), a status, or a delay. */
export interface Scripted {
  content?: string;
  status?: number;
  delayMs?: number;
  /** When streaming: the pause between chunks. */
  chunkDelayMs?: number;
}

/**
 * A local OpenAI-compatible server: `POST /v1/chat/completions` in JSON or SSE (`stream: true`),
 * answering from a script, and recording every request body.
 */
export class FakeOpenAI {
  readonly requests: Array<{ body: any; raw: string }> = [];
  private script: Scripted[] = [];
  /** Used when the script is empty: a function of the prompt (the first message) and the whole request. */
  fallback: (prompt: string, raw: string) => Scripted = () => ({ content: '{}' });
  private server: Server | null = null;
  port = 0;

  get baseURL(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** Drops what is left of the script (a test that timed out may not have used it all). */
  reset(): void {
    this.script = [];
  }

  next(...s: Scripted[]): void {
    this.script.push(...s);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void readBody(req).then((buf) => {
        const raw = buf.toString('utf8');
        const body = raw ? JSON.parse(raw) : {};
        this.requests.push({ body, raw });
        const prompt = String(body.messages?.[0]?.content ?? '');
        const s = this.script.shift() ?? this.fallback(prompt, raw);
        const send = () => {
          if (s.status && s.status >= 400) {
            res.writeHead(s.status, { 'content-type': 'application/json', 'retry-after-ms': '50' }).end(JSON.stringify({ error: { message: `scripted ${s.status}`, type: 'server_error' } }));
            return;
          }
          const content = s.content ?? '';
          if (body.stream) {
            res.writeHead(200, { 'content-type': 'text/event-stream' });
            const parts = content.match(/.{1,24}/gs) ?? [''];
            const chunk = (p: string) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: body.model, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })}\n\n`;
            const end = () => res.end(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: body.model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`);
            let i = 0;
            const pump = () => {
              if (i >= parts.length) return end();
              res.write(chunk(parts[i++]!));
              if (s.chunkDelayMs) setTimeout(pump, s.chunkDelayMs);
              else pump();
            };
            pump();
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }),
          );
        };
        if (s.delayMs) setTimeout(send, s.delayMs);
        else send();
      });
    });
    this.port = await listenLocal(this.server);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}
