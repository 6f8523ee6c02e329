/** An issue as Medic needs to see it, on GitHub or in the local file tracker. */
export interface TrackedIssue {
  number: number;
  url: string;
  state: 'open' | 'closed';
  closedAt: string | null;
  body: string;
}

/** Where escalations go: GitHub (Octokit), or Markdown files on the embedded defaults. */
export interface Tracker {
  readonly kind: 'github' | 'file';
  /** Where issues for this system go (a repository, or a folder). */
  where(system: string | null): string;
  /** The issue that carries this fingerprint, newest first, open or closed. */
  find(where: string, fingerprint: string): Promise<TrackedIssue | null>;
  get(where: string, number: number): Promise<TrackedIssue | null>;
  create(where: string, title: string, body: string, labels: string[]): Promise<TrackedIssue>;
  /** Comment bodies, oldest first. */
  comments(where: string, number: number): Promise<string[]>;
  comment(where: string, number: number, body: string): Promise<void>;
  reopen(where: string, number: number): Promise<void>;
}
