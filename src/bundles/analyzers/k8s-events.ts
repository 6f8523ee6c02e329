import { findLines } from '../inventory.js';
import { type Analyzer, type Verdict, type Evidence, snapshotsOf } from './analyzer.js';

interface Reason {
  name: string;
  re: RegExp;
  outcome: 'fail' | 'warn';
  title: string;
  why: string;
}

const REASONS: Reason[] = [
  { name: 'ImagePullBackOff', re: /\b(?:ImagePullBackOff|ErrImagePull)\b/, outcome: 'fail', title: 'Image pull failing', why: 'a container image cannot be pulled (wrong name or tag, or missing registry credentials)' },
  { name: 'CrashLoopBackOff', re: /\bCrashLoopBackOff\b|Back-off restarting failed container/, outcome: 'fail', title: 'Container crash-looping', why: 'a container keeps exiting and Kubernetes keeps restarting it' },
  { name: 'OOMKilled', re: /\bOOMKilled\b/, outcome: 'fail', title: 'Container OOM-killed', why: 'a container used more memory than its limit' },
  { name: 'FailedScheduling', re: /\bFailedScheduling\b|\bInsufficient (?:cpu|memory|nvidia\.com\/gpu)\b/, outcome: 'fail', title: 'Pods cannot be scheduled', why: 'no node has the resources or matches the constraints the pod asks for' },
  { name: 'FailedMount', re: /\bFailed(?:Mount|AttachVolume)\b/, outcome: 'fail', title: 'Volume mount failing', why: 'a volume, secret or config map the pod needs cannot be mounted' },
  { name: 'Forbidden', re: /\bforbidden\b.*\bcannot (?:get|list|watch|create|update|patch|delete)\b|\bForbidden\b/, outcome: 'fail', title: 'RBAC denies an action', why: 'a service account lacks the permission for a call it makes' },
  { name: 'Unhealthy', re: /\b(?:Liveness|Readiness|Startup) probe failed\b|\bUnhealthy\b/, outcome: 'warn', title: 'Probes failing', why: 'health probes fail, so the pod is restarted or taken out of service' },
];

/** Kubernetes trouble from `kubectl get events|pods`, `describe`, and cluster-info dumps (events.json, pods.json). */
export const k8sEvents: Analyzer = {
  name: 'k8s-events',
  async run(view) {
    const hits = new Map<string, Evidence[]>();
    const add = (r: Reason, ev: Evidence) => {
      const list = hits.get(r.name) ?? [];
      list.push(ev);
      hits.set(r.name, list);
    };
    const sources = [...new Set([...snapshotsOf(view, 'kubectl-events'), ...snapshotsOf(view, 'kubectl-pods'), ...snapshotsOf(view, 'kubectl-describe')])];
    for (const f of sources) {
      const text = await view.files.text(f);
      for (const r of REASONS) for (const l of findLines(text, r.re)) add(r, { file: f.name, line: l.line, text: l.text.trim() });
    }
    // `kubectl cluster-info dump` writes events and pods as JSON lists.
    for (const c of view.configs) {
      for (const doc of c.docs) {
        const items = (doc as { items?: unknown })?.items;
        if (!Array.isArray(items)) continue;
        for (const item of items as Array<Record<string, unknown>>) {
          const line = describeItem(item);
          if (!line) continue;
          for (const r of REASONS) {
            if (!r.re.test(line)) continue;
            const at = findLines(c.text, new RegExp(escape(r.name === 'Unhealthy' ? 'probe failed' : r.name === 'Forbidden' ? 'forbidden' : r.name), 'i'))[0];
            add(r, { file: c.entry.name, line: at?.line ?? 1, text: line });
          }
        }
      }
    }
    const out: Verdict[] = [];
    for (const r of REASONS) {
      const ev = hits.get(r.name);
      if (!ev) continue;
      const unique = [...new Map(ev.map((e) => [e.text.replace(/\s+\d+[smhd]\d*[smh]?\s+/g, ' '), e])).values()];
      out.push({ outcome: r.outcome, title: `${r.title} (${r.name})`, message: `${ev.length} event${ev.length === 1 ? '' : 's'}: ${r.why}.`, evidence: unique.slice(0, 3), query: `${r.name} ${unique[0]!.text}`, system: 'hourglass' });
    }
    if (sources.length && !out.length) out.push({ outcome: 'pass', title: 'Kubernetes events', message: 'No failing pods or warning events in the Kubernetes snapshots.', evidence: [] });
    return out;
  },
};

/** One readable line for an event or a pod from a JSON dump. */
function describeItem(item: Record<string, unknown>): string | null {
  const meta = (item.metadata ?? {}) as { name?: string; namespace?: string };
  if (typeof item.reason === 'string') {
    const obj = (item.involvedObject ?? {}) as { kind?: string; name?: string };
    return `${item.type ?? ''} ${item.reason} ${obj.kind ?? ''}/${obj.name ?? meta.name ?? ''}: ${String(item.message ?? '')}`.trim();
  }
  const statuses = ((item.status as { containerStatuses?: unknown[] } | undefined)?.containerStatuses ?? []) as Array<{ name?: string; state?: Record<string, { reason?: string; message?: string }>; lastState?: Record<string, { reason?: string }> }>;
  const reasons = statuses.flatMap((s) => [...Object.values(s.state ?? {}), ...Object.values(s.lastState ?? {})].map((x) => x?.reason).filter(Boolean));
  return reasons.length ? `pod ${meta.namespace ?? ''}/${meta.name ?? ''}: ${reasons.join(', ')}` : null;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
