import type { AlertChecks, AlertGroup } from '../alerts/group.js';
import type { CheckResult } from '../checks/run.js';

/** What people said about answers for one error fingerprint. Most recent last. */
export interface FeedbackRecord {
  fixed: string[];
  notIt: string[];
  picked: string[];
  /** Someone said no section fits this error; cleared when someone picks or confirms one. */
  noneFits?: boolean;
}

/** What a person said: this card fixed it, is not it, was the one; or (with no card) none fits. */
export type FeedbackKind = 'fixed' | 'notIt' | 'picked' | 'noneFits';

/** A triage answer as posted, so a button pressed later knows what it refers to. */
export interface AnswerRecord {
  id: string;
  fingerprint: string;
  cardId: string | null;
  alternatives: string[];
  platform: string;
  channelId: string;
  threadId: string | null;
  userId: string;
  createdAt: string;
  /** The paste, redacted and trimmed, for escalation. */
  paste?: string;
  system?: string | null;
  confidence?: number;
  /** For a bundle report: its top findings, for escalation. */
  findings?: Array<{ severity: string; title: string; evidence: string }>;
  /** For an alert's first message: its group (its buttons act on the alert). */
  alert?: string;
}

/** A bundle analyzed, as the digest lists it. */
export interface BundleSummary {
  name: string;
  at: string;
  failures: number;
  warnings: number;
  top: string[];
}

/** What the last digest saw, so the next one can say what changed. */
export interface DigestState {
  at: string;
  /** node -> check -> status, and since when. */
  checks: Record<string, Record<string, { status: string; since: string }>>;
}

/** Where an error fingerprint was escalated, kept so the next escalation finds it at once. */
export interface EscalationRecord {
  where: string;
  number: number;
  url: string;
  action: string;
  at: string;
}

/**
 * A fix people wrote in a thread, kept as a card with `guide: team` (DESIGN.md, "Team note").
 * Redacted before it is stored.
 */
export interface TeamNote {
  id: string;
  title: string;
  /** The fix as written: steps, with code blocks kept. */
  fix: string;
  /** The paste's error lines: what the note matches on. */
  errorLines: string[];
  /** The system of the paste it was saved from, when known. */
  system: string | null;
  fingerprint: string;
  /** The thread it was saved from. */
  link: string | null;
  savedBy: string;
  savedAt: string;
}

/**
 * Records that must survive restarts: feedback, answers, seen messages, rate counters.
 * Redis-backed in production; a file under data/ on the embedded defaults.
 */
export interface RecordStore {
  readonly kind: 'redis' | 'file';
  getFeedback(fingerprint: string): Promise<FeedbackRecord | null>;
  addFeedback(fingerprint: string, kind: FeedbackKind, cardId: string): Promise<void>;
  saveAnswer(answer: AnswerRecord): Promise<void>;
  getAnswer(id: string): Promise<AnswerRecord | null>;
  /** True the first time a key is claimed within `ttlSeconds`: a message is answered once. */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /** Counts one event and returns how many happened in the last `windowSeconds` (sliding). */
  hit(key: string, windowSeconds: number): Promise<number>;
  /** Keeps the last HISTORY_PER_CHECK results of every node's checks, for the digest and `nodes`. */
  addCheckResults(results: CheckResult[]): Promise<void>;
  /** The most recent results of a node, newest first, at most `limit` per check. */
  checkHistory(node: string, limit?: number): Promise<CheckResult[]>;
  getEscalation(fingerprint: string): Promise<EscalationRecord | null>;
  setEscalation(fingerprint: string, r: EscalationRecord): Promise<void>;
  /** Escalations opened or updated since a time, with their fingerprints. */
  escalationsSince(since: string): Promise<Array<EscalationRecord & { fingerprint: string }>>;
  /** Answers given since a time (pastes triaged), oldest first. */
  answersSince(since: string): Promise<AnswerRecord[]>;
  addBundleSummary(b: BundleSummary): Promise<void>;
  bundlesSince(since: string): Promise<BundleSummary[]>;
  saveNote(note: TeamNote): Promise<void>;
  listNotes(): Promise<TeamNote[]>;
  /** Whether there was such a note. */
  deleteNote(id: string): Promise<boolean>;
  /** Moves whenever a note is saved or deleted, in any process: engines reload the notes when it does. */
  notesVersion(): Promise<string>;
  getAlertGroup(key: string): Promise<AlertGroup | null>;
  /** Keeps a group for ALERT_TTL_SECONDS after its last change. */
  saveAlertGroup(g: AlertGroup): Promise<void>;
  getAlertChecks(key: string): Promise<AlertChecks | null>;
  setAlertChecks(key: string, c: AlertChecks): Promise<void>;
  /** Groups changed since a time (the digest's alerts), oldest change first. */
  alertGroupsSince(since: string): Promise<AlertGroup[]>;
  getDigestState(): Promise<DigestState | null>;
  setDigestState(s: DigestState): Promise<void>;
  close(): Promise<void>;
}

export const HISTORY_PER_CHECK = 200;

export const ANSWER_TTL_SECONDS = 60 * 60 * 24 * 30;

/** An alert group quiet this long is forgotten: the next firing opens a new thread. */
export const ALERT_TTL_SECONDS = 60 * 60 * 24 * 14;

/** Adds a card to one list and takes it off the opposite one, so the latest word wins. */
export function withFeedback(rec: FeedbackRecord | null, kind: FeedbackKind, cardId: string): FeedbackRecord {
  const r: FeedbackRecord = rec ? { fixed: [...rec.fixed], notIt: [...rec.notIt], picked: [...rec.picked], noneFits: rec.noneFits ?? false } : { fixed: [], notIt: [], picked: [], noneFits: false };
  if (kind === 'noneFits') return { ...r, noneFits: true };
  if (kind !== 'notIt') r.noneFits = false;
  const drop = (xs: string[]) => xs.filter((x) => x !== cardId);
  if (kind === 'notIt') {
    r.fixed = drop(r.fixed);
    r.picked = drop(r.picked);
  } else r.notIt = drop(r.notIt);
  r[kind] = [...drop(r[kind]), cardId];
  return r;
}
