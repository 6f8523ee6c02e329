import type { RedisClient } from './redis.js';
import { z } from 'zod';
import type { CheckResult } from '../checks/run.js';
import type { AlertChecks, AlertGroup } from '../alerts/group.js';
import { HISTORY_PER_CHECK, ANSWER_TTL_SECONDS, ALERT_TTL_SECONDS, type AnswerRecord, type BundleSummary, type DigestState, type EscalationRecord, type FeedbackKind, type FeedbackRecord, type RecordStore, type TeamNote, withFeedback } from './records.js';

const Feedback = z.object({ fixed: z.array(z.string()), notIt: z.array(z.string()), picked: z.array(z.string()), noneFits: z.boolean().optional() });
const Answer = z.object({
  id: z.string(),
  fingerprint: z.string(),
  cardId: z.string().nullable(),
  alternatives: z.array(z.string()),
  platform: z.string(),
  channelId: z.string(),
  threadId: z.string().nullable(),
  userId: z.string(),
  createdAt: z.string(),
  paste: z.string().optional(),
  system: z.string().nullable().optional(),
  confidence: z.number().optional(),
  findings: z.array(z.object({ severity: z.string(), title: z.string(), evidence: z.string() })).optional(),
  alert: z.string().optional(),
});
const Note = z.object({
  id: z.string(),
  title: z.string(),
  fix: z.string(),
  errorLines: z.array(z.string()),
  system: z.string().nullable(),
  fingerprint: z.string(),
  link: z.string().nullable(),
  savedBy: z.string(),
  savedAt: z.string(),
});
const Escalation = z.object({ where: z.string(), number: z.number(), url: z.string(), action: z.string(), at: z.string() });

/** Records in Redis under `prefix` (default `medic:`). */
export class RedisRecordStore implements RecordStore {
  readonly kind = 'redis' as const;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = 'medic:',
  ) {}

  async getFeedback(fingerprint: string): Promise<FeedbackRecord | null> {
    const raw = await this.redis.get(`${this.prefix}feedback:${fingerprint}`);
    return raw ? Feedback.parse(JSON.parse(raw)) : null;
  }

  async addFeedback(fingerprint: string, kind: FeedbackKind, cardId: string): Promise<void> {
    const key = `${this.prefix}feedback:${fingerprint}`;
    // Optimistic transaction: two people pressing buttons at once both count.
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.redis.watch(key);
      const raw = await this.redis.get(key);
      const next = withFeedback(raw ? Feedback.parse(JSON.parse(raw)) : null, kind, cardId);
      const done = await this.redis.multi().set(key, JSON.stringify(next)).exec();
      if (done) return;
    }
    throw new Error(`could not record feedback for ${fingerprint}: too many concurrent updates`);
  }

  async saveAnswer(answer: AnswerRecord): Promise<void> {
    await this.keepTimed(`answer:${answer.id}`, answer, ANSWER_TTL_SECONDS, 'answers:by-time', answer.id, Date.parse(answer.createdAt));
  }

  /** A record kept `ttlSeconds`, and listed by time in `index` (which forgets what has expired). */
  private async keepTimed(key: string, value: unknown, ttlSeconds: number, index: string, member: string, at: number): Promise<void> {
    await this.redis
      .multi()
      .set(`${this.prefix}${key}`, JSON.stringify(value), 'EX', ttlSeconds)
      .zadd(`${this.prefix}${index}`, at, member)
      .zremrangebyscore(`${this.prefix}${index}`, 0, at - ttlSeconds * 1000)
      .exec();
  }

  async answersSince(since: string): Promise<AnswerRecord[]> {
    const ids = await this.redis.zrangebyscore(`${this.prefix}answers:by-time`, Date.parse(since), '+inf');
    if (!ids.length) return [];
    const raws = await this.redis.mget(...ids.map((id) => `${this.prefix}answer:${id}`));
    return raws.filter((r): r is string => Boolean(r)).map((r) => Answer.parse(JSON.parse(r)));
  }

  async addBundleSummary(b: BundleSummary): Promise<void> {
    await this.redis.multi().lpush(`${this.prefix}bundles`, JSON.stringify(b)).ltrim(`${this.prefix}bundles`, 0, 499).exec();
  }

  async bundlesSince(since: string): Promise<BundleSummary[]> {
    const raws = await this.redis.lrange(`${this.prefix}bundles`, 0, 499);
    return raws.map((r) => JSON.parse(r) as BundleSummary).filter((b) => b.at >= since).reverse();
  }

  async saveNote(note: TeamNote): Promise<void> {
    await this.redis.multi().hset(`${this.prefix}notes`, note.id, JSON.stringify(note)).incr(`${this.prefix}notes:version`).exec();
  }

  async listNotes(): Promise<TeamNote[]> {
    const all = await this.redis.hgetall(`${this.prefix}notes`);
    return Object.values(all)
      .map((raw) => Note.parse(JSON.parse(raw)))
      .sort((a, b) => a.savedAt.localeCompare(b.savedAt));
  }

  async deleteNote(id: string): Promise<boolean> {
    const [[, removed] = [null, 0]] = (await this.redis.multi().hdel(`${this.prefix}notes`, id).incr(`${this.prefix}notes:version`).exec()) ?? [];
    return removed === 1;
  }

  async notesVersion(): Promise<string> {
    return (await this.redis.get(`${this.prefix}notes:version`)) ?? '0';
  }

  async getAlertGroup(key: string): Promise<AlertGroup | null> {
    const raw = await this.redis.get(`${this.prefix}alert:${key}`);
    return raw ? (JSON.parse(raw) as AlertGroup) : null;
  }

  async saveAlertGroup(g: AlertGroup): Promise<void> {
    await this.keepTimed(`alert:${g.key}`, g, ALERT_TTL_SECONDS, 'alerts:by-time', g.key, Date.parse(g.lastAt));
  }

  async getAlertChecks(key: string): Promise<AlertChecks | null> {
    const raw = await this.redis.get(`${this.prefix}alert:${key}:checks`);
    return raw ? (JSON.parse(raw) as AlertChecks) : null;
  }

  async setAlertChecks(key: string, c: AlertChecks): Promise<void> {
    await this.redis.set(`${this.prefix}alert:${key}:checks`, JSON.stringify(c), 'EX', ALERT_TTL_SECONDS);
  }

  async alertGroupsSince(since: string): Promise<AlertGroup[]> {
    const keys = await this.redis.zrangebyscore(`${this.prefix}alerts:by-time`, Date.parse(since), '+inf');
    if (!keys.length) return [];
    const raws = await this.redis.mget(...keys.map((k) => `${this.prefix}alert:${k}`));
    return raws.filter((r): r is string => Boolean(r)).map((r) => JSON.parse(r) as AlertGroup);
  }

  async getDigestState(): Promise<DigestState | null> {
    const raw = await this.redis.get(`${this.prefix}digest:state`);
    return raw ? (JSON.parse(raw) as DigestState) : null;
  }

  async setDigestState(state: DigestState): Promise<void> {
    await this.redis.set(`${this.prefix}digest:state`, JSON.stringify(state));
  }

  async escalationsSince(since: string): Promise<Array<EscalationRecord & { fingerprint: string }>> {
    const fps = await this.redis.zrangebyscore(`${this.prefix}escalations:by-time`, Date.parse(since), '+inf');
    if (!fps.length) return [];
    // One round trip for all of them (keys share the prefix's hash tag on a Cluster).
    const raws = await this.redis.mget(...fps.map((fp) => `${this.prefix}escalation:${fp}`));
    return fps.flatMap((fp, i) => (raws[i] ? [{ ...Escalation.parse(JSON.parse(raws[i]!)), fingerprint: fp }] : []));
  }

  async getAnswer(id: string): Promise<AnswerRecord | null> {
    const raw = await this.redis.get(`${this.prefix}answer:${id}`);
    return raw ? Answer.parse(JSON.parse(raw)) : null;
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}seen:${key}`, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  async hit(key: string, windowSeconds: number): Promise<number> {
    // Sliding window: one sorted-set member per event, scored by time.
    const k = `${this.prefix}rate:${key}`;
    const now = Date.now();
    const res = (await this.redis
      .multi()
      .zremrangebyscore(k, 0, now - windowSeconds * 1000)
      .zadd(k, now, `${now}-${Math.random().toString(36).slice(2)}`)
      .zcard(k)
      .pexpire(k, windowSeconds * 1000)
      .exec()) as Array<[Error | null, unknown]>;
    return Number(res[2]![1]);
  }

  async addCheckResults(results: CheckResult[]): Promise<void> {
    const m = this.redis.multi();
    for (const r of results) {
      const key = `${this.prefix}checks:${r.node}:${r.check}`;
      m.lpush(key, JSON.stringify(r)).ltrim(key, 0, HISTORY_PER_CHECK - 1).sadd(`${this.prefix}checks:${r.node}`, r.check);
    }
    await m.exec();
  }

  async checkHistory(node: string, limit = 1): Promise<CheckResult[]> {
    const checks = await this.redis.smembers(`${this.prefix}checks:${node}`);
    const lists = await Promise.all(checks.map((c) => this.redis.lrange(`${this.prefix}checks:${node}:${c}`, 0, limit - 1)));
    return lists.flat().map((raw) => JSON.parse(raw) as CheckResult).sort((a, b) => b.at.localeCompare(a.at));
  }

  async getEscalation(fingerprint: string): Promise<EscalationRecord | null> {
    const raw = await this.redis.get(`${this.prefix}escalation:${fingerprint}`);
    return raw ? Escalation.parse(JSON.parse(raw)) : null;
  }

  async setEscalation(fingerprint: string, r: EscalationRecord): Promise<void> {
    await this.redis.multi().set(`${this.prefix}escalation:${fingerprint}`, JSON.stringify(r)).zadd(`${this.prefix}escalations:by-time`, Date.parse(r.at), fingerprint).exec();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
