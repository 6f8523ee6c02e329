import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CheckResult } from '../checks/run.js';
import { HISTORY_PER_CHECK, ANSWER_TTL_SECONDS, type AnswerRecord, type BundleSummary, type DigestState, type EscalationRecord, type FeedbackKind, type FeedbackRecord, type RecordStore, withFeedback } from './records.js';

interface FileShape {
  feedback: Record<string, FeedbackRecord>;
  answers: Record<string, AnswerRecord>;
  /** node -> check -> results, newest first. */
  checks: Record<string, Record<string, CheckResult[]>>;
  escalations: Record<string, EscalationRecord>;
  bundles: BundleSummary[];
  digest: DigestState | null;
}

/**
 * The embedded-default store: feedback and answers in one JSON file under data/, written
 * atomically on every change. Seen-message keys and rate counters live in memory.
 */
export class FileRecordStore implements RecordStore {
  readonly kind = 'file' as const;
  private data: FileShape = { feedback: {}, answers: {}, checks: {}, escalations: {}, bundles: [], digest: null };
  private readonly seen = new Map<string, number>();
  private readonly events = new Map<string, number[]>();

  constructor(private readonly path: string) {
    if (existsSync(path)) {
      const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<FileShape>;
      this.data = { feedback: raw.feedback ?? {}, answers: raw.answers ?? {}, checks: raw.checks ?? {}, escalations: raw.escalations ?? {}, bundles: raw.bundles ?? [], digest: raw.digest ?? null };
    }
  }

  private save(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data));
    renameSync(tmp, this.path);
  }

  async getFeedback(fingerprint: string): Promise<FeedbackRecord | null> {
    return this.data.feedback[fingerprint] ?? null;
  }

  async addFeedback(fingerprint: string, kind: FeedbackKind, cardId: string): Promise<void> {
    this.data.feedback[fingerprint] = withFeedback(this.data.feedback[fingerprint] ?? null, kind, cardId);
    this.save();
  }

  async saveAnswer(answer: AnswerRecord): Promise<void> {
    const cutoff = Date.now() - ANSWER_TTL_SECONDS * 1000;
    for (const [id, a] of Object.entries(this.data.answers)) if (Date.parse(a.createdAt) < cutoff) delete this.data.answers[id];
    this.data.answers[answer.id] = answer;
    this.save();
  }

  async getAnswer(id: string): Promise<AnswerRecord | null> {
    return this.data.answers[id] ?? null;
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const now = Date.now();
    const until = this.seen.get(key);
    if (until && until > now) return false;
    this.seen.set(key, now + ttlSeconds * 1000);
    return true;
  }

  async hit(key: string, windowSeconds: number): Promise<number> {
    const now = Date.now();
    const recent = (this.events.get(key) ?? []).filter((t) => t > now - windowSeconds * 1000);
    recent.push(now);
    this.events.set(key, recent);
    return recent.length;
  }

  async addCheckResults(results: CheckResult[]): Promise<void> {
    for (const r of results) {
      const node = (this.data.checks[r.node] ??= {});
      node[r.check] = [r, ...(node[r.check] ?? [])].slice(0, HISTORY_PER_CHECK);
    }
    this.save();
  }

  async checkHistory(node: string, limit = 1): Promise<CheckResult[]> {
    return Object.values(this.data.checks[node] ?? {})
      .flatMap((list) => list.slice(0, limit))
      .sort((a, b) => b.at.localeCompare(a.at));
  }

  async getEscalation(fingerprint: string): Promise<EscalationRecord | null> {
    return this.data.escalations[fingerprint] ?? null;
  }

  async setEscalation(fingerprint: string, r: EscalationRecord): Promise<void> {
    this.data.escalations[fingerprint] = r;
    this.save();
  }

  async escalationsSince(since: string): Promise<Array<EscalationRecord & { fingerprint: string }>> {
    return Object.entries(this.data.escalations)
      .filter(([, r]) => r.at >= since)
      .map(([fingerprint, r]) => ({ ...r, fingerprint }));
  }

  async answersSince(since: string): Promise<AnswerRecord[]> {
    return Object.values(this.data.answers)
      .filter((a) => a.createdAt >= since)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async addBundleSummary(b: BundleSummary): Promise<void> {
    this.data.bundles = [...this.data.bundles, b].slice(-500);
    this.save();
  }

  async bundlesSince(since: string): Promise<BundleSummary[]> {
    return this.data.bundles.filter((b) => b.at >= since);
  }

  async getDigestState(): Promise<DigestState | null> {
    return this.data.digest;
  }

  async setDigestState(state: DigestState): Promise<void> {
    this.data.digest = state;
    this.save();
  }

  async close(): Promise<void> {}
}
