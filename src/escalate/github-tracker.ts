import { Octokit } from '@octokit/rest';
import { fingerprintLabel, fingerprintMarker } from './issue-body.js';
import type { TrackedIssue, Tracker } from './tracker.js';

interface GitHubIssue {
  number: number;
  html_url: string;
  state: string;
  closed_at?: string | null;
  body?: string | null;
  pull_request?: unknown;
}

function tracked(i: GitHubIssue): TrackedIssue {
  return { number: i.number, url: i.html_url, state: i.state === 'closed' ? 'closed' : 'open', closedAt: i.closed_at ?? null, body: i.body ?? '' };
}

function split(repo: string): { owner: string; repo: string } {
  const [owner, name] = repo.split('/');
  return { owner: owner!, repo: name! };
}

/**
 * GitHub issues through Octokit. Dedupe looks for the fingerprint label first (listing by
 * label is consistent at once), then the body marker through search (eventually consistent).
 */
export class GitHubTracker implements Tracker {
  readonly kind = 'github' as const;
  private readonly octokit: Octokit;

  constructor(
    token: string,
    private readonly repos: { repo: string; systems: Record<string, string> },
    baseUrl?: string,
  ) {
    // Retries belong to the job (which looks before it creates), not to the client.
    this.octokit = new Octokit({ auth: token, userAgent: 'medic', ...(baseUrl ? { baseUrl } : {}), request: { retries: 0 } });
  }

  where(system: string | null): string {
    return (system && this.repos.systems[system]) || this.repos.repo;
  }

  async find(where: string, fingerprint: string): Promise<TrackedIssue | null> {
    const { data } = await this.octokit.rest.issues.listForRepo({ ...split(where), labels: fingerprintLabel(fingerprint), state: 'all', sort: 'created', direction: 'desc', per_page: 10 });
    const byLabel = (data as GitHubIssue[]).find((i) => !i.pull_request);
    if (byLabel) return tracked(byLabel);
    const q = `"${fingerprintMarker(fingerprint).replace(/<!-- | -->/g, '')}" in:body repo:${where} is:issue`;
    const found = await this.octokit.rest.search.issuesAndPullRequests({ q, sort: 'created', order: 'desc', per_page: 5 });
    const hit = (found.data.items as GitHubIssue[]).find((i) => !i.pull_request && (i.body ?? '').includes(fingerprintMarker(fingerprint)));
    return hit ? tracked(hit) : null;
  }

  async get(where: string, number: number): Promise<TrackedIssue | null> {
    try {
      const { data } = await this.octokit.rest.issues.get({ ...split(where), issue_number: number });
      return tracked(data as GitHubIssue);
    } catch (err) {
      if ((err as { status?: number }).status === 404) return null;
      throw err;
    }
  }

  async create(where: string, title: string, body: string, labels: string[]): Promise<TrackedIssue> {
    const { data } = await this.octokit.rest.issues.create({ ...split(where), title, body, labels });
    return tracked(data as GitHubIssue);
  }

  async comments(where: string, number: number): Promise<string[]> {
    const { data } = await this.octokit.rest.issues.listComments({ ...split(where), issue_number: number, per_page: 100 });
    return data.map((c) => c.body ?? '');
  }

  async comment(where: string, number: number, body: string): Promise<void> {
    await this.octokit.rest.issues.createComment({ ...split(where), issue_number: number, body });
  }

  async reopen(where: string, number: number): Promise<void> {
    await this.octokit.rest.issues.update({ ...split(where), issue_number: number, state: 'open' });
  }
}
