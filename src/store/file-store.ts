import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CheckResult } from '../checks/run.js';
import type { AlertChecks, AlertGroup } from '../alerts/group.js';
import { HISTORY_PER_CHECK, ANSWER_TTL_SECONDS, ALERT_TTL_SECONDS, type AnswerRecord, type BundleSummary, type DigestState, type EscalationRecord, type FeedbackKind, type FeedbackRecord, type RecordStore, type TeamNote, withFeedback } from './records.js';

interface FileShape {
  feedback: Record<string, FeedbackRecord>;
  answers: Record<string, AnswerRecord>;
  /** node -> check -> results, newest first. */
  checks: Record<string, Record<string, CheckResult[]>>;
  escalations: Record<string, EscalationRecord>;
  bundles: BundleSummary[];
  digest: DigestState | null;
  notes: Record<string, TeamNote>;
  alerts: Record<string, { group: AlertGroup; checks: AlertChecks | null }>;
}

/**
 * The embedded-default store: feedback and answers in one JSON file under data/, written
 * atomically on every change. Seen-message keys and rate counters live in memory.
 */
export class FileRecordStore implements RecordStore {
  readonly kind = 'file' as const;
  private data: FileShape = { feedback: {}, answers: {}, checks: {}, escalations: {}, bundles: [], digest: null, notes: {}, alerts: {} };
  /** When this process last read or wrote the file: another process's change to it shows as a later time. */
  private syncedAt = 0;
  private readonly seen = new Map<string, number>();
  private readonly events = new Map<string, number[]>();

  constructor(private readonly path: string) {
    this.load();
  }

  private load(): void {
    if (!existsSync(this.path)) return;
    const raw = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<FileShape>;
    this.data = { feedback: raw.feedback ?? {}, answers: raw.answers ?? {}, checks: raw.checks ?? {}, escalations: raw.escalations ?? {}, bundles: raw.bundles ?? [], digest: raw.digest ?? null, notes: raw.notes ?? {}, alerts: raw.alerts ?? {} };
    this.syncedAt = statSync(this.path).mtimeMs;
  }

  private save(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data));
    renameSync(tmp, this.path);
    this.syncedAt = statSync(this.path).mtimeMs;
  }

  /** Notes can be saved by another process (`medic notes`) while this one runs: read the file again when it changed. */
  private fresh(): void {
    if (existsSync(this.path) && statSync(this.path).mtimeMs > this.syncedAt) this.load();
  }

  async getFeedback(fingerprint: string): Promise<FeedbackRecord | null> {
    return this.data.feedback[fingerprint] ?? null;
  }

  async addFeedback(fingerprint: string, kind: FeedbackKind, cardId: string): Promise<void> {
    this.fresh();
    this.data.feedback[fingerprint] = withFeedback(this.data.feedback[fingerprint] ?? null, kind, cardId);
    this.save();
  }

  async saveAnswer(answer: AnswerRecord): Promise<void> {
    this.fresh();
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
    this.fresh();
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
    this.fresh();
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
    this.fresh();
    this.data.bundles = [...this.data.bundles, b].slice(-500);
    this.save();
  }

  async bundlesSince(since: string): Promise<BundleSummary[]> {
    return this.data.bundles.filter((b) => b.at >= since);
  }

  async saveNote(note: TeamNote): Promise<void> {
    this.fresh();
    this.data.notes[note.id] = note;
    this.save();
  }

  async listNotes(): Promise<TeamNote[]> {
    this.fresh();
    return Object.values(this.data.notes).sort((a, b) => a.savedAt.localeCompare(b.savedAt));
  }

  async deleteNote(id: string): Promise<boolean> {
    this.fresh();
    if (!this.data.notes[id]) return false;
    delete this.data.notes[id];
    this.save();
    return true;
  }

  async notesVersion(): Promise<string> {
    this.fresh();
    return Object.values(this.data.notes)
      .map((n) => `${n.id}@${n.savedAt}`)
      .sort()
      .join(',');
  }

  async getAlertGroup(key: string): Promise<AlertGroup | null> {
    this.fresh();
    return this.data.alerts[key]?.group ?? null;
  }

  async saveAlertGroup(g: AlertGroup): Promise<void> {
    this.fresh();
    const cutoff = Date.now() - ALERT_TTL_SECONDS * 1000;
    for (const [k, a] of Object.entries(this.data.alerts)) if (Date.parse(a.group.lastAt) < cutoff) delete this.data.alerts[k];
    this.data.alerts[g.key] = { group: g, checks: this.data.alerts[g.key]?.checks ?? null };
    this.save();
  }

  async getAlertChecks(key: string): Promise<AlertChecks | null> {
    this.fresh();
    return this.data.alerts[key]?.checks ?? null;
  }

  async setAlertChecks(key: string, c: AlertChecks): Promise<void> {
    this.fresh();
    const a = this.data.alerts[key];
    if (!a) return;
    a.checks = c;
    this.save();
  }

  async alertGroupsSince(since: string): Promise<AlertGroup[]> {
    this.fresh();
    return Object.values(this.data.alerts)
      .map((a) => a.group)
      .filter((g) => g.lastAt >= since)
      .sort((a, b) => a.lastAt.localeCompare(b.lastAt));
  }

  async getDigestState(): Promise<DigestState | null> {
    return this.data.digest;
  }

  async setDigestState(state: DigestState): Promise<void> {
    this.fresh();
    this.data.digest = state;
    this.save();
  }

  async close(): Promise<void> {}
}
