import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprintMarker } from './issue-body.js';
import type { TrackedIssue, Tracker } from './tracker.js';

const COMMENT = '\n\n---\n\n';

/**
 * The embedded default without GITHUB_TOKEN: each issue is a Markdown file under
 * `data/escalations/` (numbered in order), and each new occurrence is appended to it.
 */
export class FileTracker implements Tracker {
  readonly kind = 'file' as const;

  constructor(private readonly dir: string) {}

  where(): string {
    return this.dir;
  }

  private files(): Array<{ number: number; path: string }> {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .map((f) => /^(\d+)-.*\.md$/.exec(f))
      .filter((m): m is RegExpExecArray => Boolean(m))
      .map((m) => ({ number: Number(m[1]), path: join(this.dir, m[0]) }))
      .sort((a, b) => b.number - a.number);
  }

  private read(f: { number: number; path: string }): TrackedIssue {
    return { number: f.number, url: f.path, state: 'open', closedAt: null, body: readFileSync(f.path, 'utf8').split(COMMENT)[0]! };
  }

  async find(_where: string, fingerprint: string): Promise<TrackedIssue | null> {
    const f = this.files().find((x) => readFileSync(x.path, 'utf8').includes(fingerprintMarker(fingerprint)));
    return f ? this.read(f) : null;
  }

  async get(_where: string, number: number): Promise<TrackedIssue | null> {
    const f = this.files().find((x) => x.number === number);
    return f ? this.read(f) : null;
  }

  async create(_where: string, title: string, body: string, labels: string[]): Promise<TrackedIssue> {
    mkdirSync(this.dir, { recursive: true });
    const number = (this.files()[0]?.number ?? 0) + 1;
    const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50) || 'issue';
    const path = join(this.dir, `${number}-${slug}.md`);
    writeFileSync(path, `# ${title}\n\nLabels: ${labels.join(', ')}\n\n${body}`, { flag: 'wx' });
    return { number, url: path, state: 'open', closedAt: null, body };
  }

  async comments(_where: string, number: number): Promise<string[]> {
    const f = this.files().find((x) => x.number === number);
    return f ? readFileSync(f.path, 'utf8').split(COMMENT).slice(1) : [];
  }

  async comment(_where: string, number: number, body: string): Promise<void> {
    const f = this.files().find((x) => x.number === number);
    if (!f) throw new Error(`no escalation file #${number} in ${this.dir}`);
    writeFileSync(f.path, readFileSync(f.path, 'utf8') + COMMENT + body);
  }

  async reopen(): Promise<void> {}
}
