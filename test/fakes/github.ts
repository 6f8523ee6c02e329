import { createServer, type Server } from 'node:http';
import { listenLocal, readBody } from './http.js';

export interface FakeIssue {
  repo: string;
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  closed_at: string | null;
  comments: string[];
}

export interface GitHubCall {
  method: string;
  path: string;
  body: any;
  authorization: string | null;
}

/**
 * A local GitHub REST API: issues (create, get, update, list by label), comments and issue
 * search, enough to drive a real Octokit client. `failNextCreate` makes the next create
 * succeed on the server but answer 502, as a flaky proxy does.
 */
export class FakeGitHub {
  readonly issues: FakeIssue[] = [];
  readonly calls: GitHubCall[] = [];
  failNextCreate = false;
  private server: Server | null = null;
  port = 0;

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void readBody(req).then((buf) => {
        const raw = buf.toString('utf8');
        const body = raw ? JSON.parse(raw) : null;
        const url = new URL(req.url ?? '/', 'http://x');
        this.calls.push({ method: req.method ?? 'GET', path: url.pathname + url.search, body, authorization: req.headers.authorization ?? null });
        const { status, json } = this.route(req.method ?? 'GET', url, body);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      });
    });
    this.port = await listenLocal(this.server);
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  private view(i: FakeIssue): Record<string, unknown> {
    return { number: i.number, title: i.title, body: i.body, state: i.state, closed_at: i.closed_at, labels: i.labels.map((name) => ({ name })), html_url: `https://github.example/${i.repo}/issues/${i.number}`, comments: i.comments.length };
  }

  private route(method: string, url: URL, body: any): { status: number; json: unknown } {
    let m: RegExpExecArray | null;
    const p = url.pathname;
    if (method === 'GET' && p === '/search/issues') {
      const q = url.searchParams.get('q') ?? '';
      const phrase = /"([^"]+)"/.exec(q)?.[1] ?? '';
      const repo = /repo:(\S+)/.exec(q)?.[1];
      const items = this.issues.filter((i) => (!repo || i.repo === repo) && i.body.includes(phrase)).map((i) => this.view(i));
      return { status: 200, json: { total_count: items.length, incomplete_results: false, items } };
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/issues$/.exec(p))) {
      const repo = m[1]!;
      if (method === 'GET') {
        const label = url.searchParams.get('labels');
        const items = this.issues.filter((i) => i.repo === repo && (!label || i.labels.includes(label))).reverse();
        return { status: 200, json: items.map((i) => this.view(i)) };
      }
      if (method === 'POST') {
        const issue: FakeIssue = { repo, number: this.issues.filter((i) => i.repo === repo).length + 1, title: body.title, body: body.body ?? '', labels: body.labels ?? [], state: 'open', closed_at: null, comments: [] };
        this.issues.push(issue);
        if (this.failNextCreate) {
          this.failNextCreate = false;
          return { status: 502, json: { message: 'Bad Gateway' } };
        }
        return { status: 201, json: this.view(issue) };
      }
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)(\/comments)?$/.exec(p))) {
      const issue = this.issues.find((i) => i.repo === m![1] && i.number === Number(m![2]));
      if (!issue) return { status: 404, json: { message: 'Not Found' } };
      if (m[3] && method === 'GET') return { status: 200, json: issue.comments.map((c, i) => ({ id: i + 1, body: c })) };
      if (m[3] && method === 'POST') {
        issue.comments.push(body.body);
        return { status: 201, json: { id: issue.comments.length, body: body.body } };
      }
      if (method === 'GET') return { status: 200, json: this.view(issue) };
      if (method === 'PATCH') {
        if (body.state) {
          issue.state = body.state;
          issue.closed_at = body.state === 'closed' ? new Date().toISOString() : null;
        }
        return { status: 200, json: this.view(issue) };
      }
    }
    return { status: 404, json: { message: `Not Found in fake GitHub: ${method} ${p}` } };
  }
}
