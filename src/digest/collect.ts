import type { MedicConfig } from '../config.js';
import { type CheckResult, nodeStatus } from '../checks/run.js';
import type { BundleSummary, DigestState, EscalationRecord, RecordStore } from '../store/records.js';

export type Cell = 'pass' | 'warn' | 'fail' | null;

/** Everything the digest says, as data (for --json, the Reply and the chart). */
export interface DigestData {
  at: string;
  since: string;
  lastDigestAt: string | null;
  systems: Array<{ system: string; up: number; degraded: number; down: number; unknown: number; nodes: Array<{ name: string; status: string }> }>;
  changes: Array<{ node: string; check: string; change: 'failure' | 'recovery'; status: string; since: string }>;
  failing: Array<{ node: string; system: string; check: string; status: string; message: string; fix: { cardId: string; title: string } | null }>;
  pastes: { total: number; fingerprints: Array<{ fingerprint: string; count: number; cardId: string | null; title: string | null; fixedShare: number }> };
  bundles: BundleSummary[];
  escalations: Array<EscalationRecord & { fingerprint: string }>;
  unresolved: Array<{ platform: string; channelId: string; threadId: string | null; fingerprint: string; title: string | null; hours: number }>;
  /** Alert notifications per node (24 h), and the groups still firing. */
  alerts: { perNode: Array<{ node: string; count: number }>; firing: Array<{ name: string; node: string | null; since: string; severity: string | null }> };
  allClear: boolean;
  /** The last 24 hours per node, in hourly cells: the worst result in each hour. */
  timeline: { hours: string[]; nodes: Array<{ node: string; cells: Cell[] }> };
}

export interface DigestDeps {
  cfg: MedicConfig;
  store: RecordStore;
  /** A card's display title. */
  title: (cardId: string) => string | null;
  /** The guide section that fixes a failing check, if one matches well. */
  fixFor: (system: string, text: string) => Promise<{ cardId: string; title: string } | null>;
}

const HOUR = 3_600_000;
const RANK: Record<string, number> = { pass: 1, warn: 2, fail: 3 };

/**
 * Collects the digest from this run's check results and the records: node status per system,
 * what changed since the last digest, failing checks with their fix, the day's pastes,
 * bundles and escalations, and threads nobody marked fixed.
 */
export async function collectDigest(deps: DigestDeps, latest: CheckResult[], now = new Date()): Promise<DigestData> {
  const { cfg, store } = deps;
  const at = now.toISOString();
  const since = new Date(now.getTime() - 24 * HOUR).toISOString();
  const previous = await store.getDigestState();

  const latestBy = new Map<string, CheckResult[]>();
  for (const r of latest) latestBy.set(r.node, [...(latestBy.get(r.node) ?? []), r]);
  const systems = new Map<string, DigestData['systems'][number]>();
  for (const n of cfg.nodes) {
    const s = systems.get(n.system) ?? { system: n.system, up: 0, degraded: 0, down: 0, unknown: 0, nodes: [] };
    const status = nodeStatus(latestBy.get(n.name) ?? []);
    s[status]++;
    s.nodes.push({ name: n.name, status });
    systems.set(n.system, s);
  }

  // Changes: a check whose status differs from the last digest, and since when it has been so.
  const histories = new Map<string, CheckResult[]>();
  for (const n of cfg.nodes) histories.set(n.name, await store.checkHistory(n.name, 200));
  const state: DigestState = { at, checks: {} };
  const changes: DigestData['changes'] = [];
  for (const r of latest) {
    const history = (histories.get(r.node) ?? []).filter((h) => h.check === r.check);
    let sinceWhen = r.at;
    for (const h of history) {
      if (h.status !== r.status) break;
      sinceWhen = h.at;
    }
    (state.checks[r.node] ??= {})[r.check] = { status: r.status, since: sinceWhen };
    const before = previous?.checks[r.node]?.[r.check]?.status ?? 'pass';
    if (before === 'pass' && r.status !== 'pass') changes.push({ node: r.node, check: r.check, change: 'failure', status: r.status, since: sinceWhen });
    if (before !== 'pass' && r.status === 'pass') changes.push({ node: r.node, check: r.check, change: 'recovery', status: r.status, since: sinceWhen });
  }

  const failing: DigestData['failing'] = [];
  for (const r of latest.filter((x) => x.status !== 'pass')) {
    failing.push({ node: r.node, system: r.system, check: r.check, status: r.status, message: r.message, fix: await deps.fixFor(r.system, `${r.check} ${r.kind}: ${r.message}`) });
  }

  // An alert's first message keeps an answer record for its buttons: not a paste.
  const day = (await store.answersSince(since)).filter((a) => !a.alert);
  const byFp = new Map<string, typeof day>();
  for (const a of day) byFp.set(a.fingerprint, [...(byFp.get(a.fingerprint) ?? []), a]);
  const fingerprints: DigestData['pastes']['fingerprints'] = [];
  for (const [fp, list] of byFp) {
    const fb = await store.getFeedback(fp);
    const cardId = list.map((a) => a.cardId).filter((c): c is string => Boolean(c)).at(-1) ?? null;
    fingerprints.push({ fingerprint: fp, count: list.length, cardId, title: cardId ? deps.title(cardId) : null, fixedShare: Math.min(1, (fb?.fixed.length ?? 0) / list.length) });
  }
  fingerprints.sort((a, b) => b.count - a.count);

  // Threads: the last answer in each, not marked fixed, older than unresolvedHours (within a week).
  const week = await store.answersSince(new Date(now.getTime() - 7 * 24 * HOUR).toISOString());
  const lastInThread = new Map<string, (typeof week)[number]>();
  for (const a of week) if (a.cardId && !a.alert) lastInThread.set(`${a.platform}:${a.channelId}:${a.threadId ?? a.id}`, a);
  const unresolved: DigestData['unresolved'] = [];
  for (const a of lastInThread.values()) {
    const hours = Math.floor((now.getTime() - Date.parse(a.createdAt)) / HOUR);
    if (hours < cfg.digest.unresolvedHours) continue;
    const fb = await store.getFeedback(a.fingerprint);
    if (fb?.fixed.length) continue;
    unresolved.push({ platform: a.platform, channelId: a.channelId, threadId: a.threadId, fingerprint: a.fingerprint, title: a.cardId ? deps.title(a.cardId) : null, hours });
  }

  const hours = Array.from({ length: 24 }, (_, i) => new Date(now.getTime() - (24 - i) * HOUR).toISOString());
  const timeline = {
    hours,
    nodes: cfg.nodes.map((n) => {
      const cells: Cell[] = hours.map(() => null);
      for (const r of [...(histories.get(n.name) ?? []), ...(latestBy.get(n.name) ?? [])]) {
        const i = Math.floor((Date.parse(r.at) - (now.getTime() - 24 * HOUR)) / HOUR);
        if (i < 0 || i > 23) continue;
        const cur = cells[i];
        if (!cur || RANK[r.status]! > RANK[cur]!) cells[i] = r.status;
      }
      return { node: n.name, cells };
    }),
  };

  const groups = await store.alertGroupsSince(since);
  const perNode = new Map<string, number>();
  for (const g of groups) {
    const n = g.firings.filter((t) => t >= since).length;
    if (n) perNode.set(g.node ?? 'no registered node', (perNode.get(g.node ?? 'no registered node') ?? 0) + n);
  }
  // Still firing: changed within the day, or firing since before it (the group's last change may be older).
  const firing = (await store.alertGroupsSince(new Date(now.getTime() - 14 * 24 * HOUR).toISOString())).filter((g) => g.status === 'firing');
  const alerts: DigestData['alerts'] = {
    perNode: [...perNode].map(([node, count]) => ({ node, count })).sort((a, b) => b.count - a.count),
    firing: firing.map((g) => ({ name: g.name, node: g.node, since: g.startsAt, severity: g.severity })).sort((a, b) => a.since.localeCompare(b.since)),
  };
  const bundles = await store.bundlesSince(since);
  const escalations = await store.escalationsSince(since);
  await store.setDigestState(state);
  const allClear = failing.length === 0 && unresolved.length === 0 && alerts.firing.length === 0 && [...systems.values()].every((s) => s.down === 0 && s.degraded === 0);
  return {
    at,
    since,
    lastDigestAt: previous?.at ?? null,
    systems: [...systems.values()].sort((a, b) => a.system.localeCompare(b.system)),
    changes,
    failing,
    pastes: { total: day.length, fingerprints: fingerprints.slice(0, 5) },
    bundles,
    escalations,
    unresolved: unresolved.sort((a, b) => b.hours - a.hours).slice(0, 10),
    alerts,
    allClear,
    timeline,
  };
}
