import type { MedicConfig } from '../config.js';
import type { AlertEvent } from './payloads.js';

/** Which registered node an alert is about, and how that was decided (the thread says it). */
export interface AlertRoute {
  node: string | null;
  system: string | null;
  /** "label node=lloom-exec-1", "instance 10.0.0.5", "route 1 (job=lloom-executor)", or why none. */
  how: string;
}

/** Labels that name the machine an alert is about, in the order they are trusted. */
export const IDENTITY_LABELS = ['node', 'instance', 'host', 'hostname', 'nodename', 'pod'] as const;

/** `10.0.0.5:9100`, `[::1]:9100`, `http://host:8080/metrics` to the bare host. */
export function hostOf(instance: string): string {
  let s = instance.trim().replace(/^[a-z][\w+.-]*:\/\//i, '').replace(/\/.*$/, '');
  if (s.startsWith('[')) return s.slice(1, s.indexOf(']') > 0 ? s.indexOf(']') : undefined).toLowerCase();
  if ((s.match(/:/g) ?? []).length === 1) s = s.replace(/:\d+$/, '');
  return s.toLowerCase();
}

/**
 * Finds the node: a `node` label (or the generic `node` field) naming a registered node, then an
 * `instance` whose host is a node's host or name, then the first of `alerts.routes` whose labels
 * all match. A route may name only a system: the alert is triaged as that system's, unchecked.
 */
export function routeAlert(cfg: Pick<MedicConfig, 'nodes' | 'alerts'>, a: AlertEvent): AlertRoute {
  const byName = (name: string) => cfg.nodes.find((n) => n.name === name);
  const named = a.node ?? a.labels.node;
  if (named && byName(named)) return { node: named, system: byName(named)!.system, how: `${a.node ? 'node' : 'label node'}=${named}` };
  const instance = a.labels.instance;
  if (instance) {
    const host = hostOf(instance);
    const n = cfg.nodes.find((x) => x.host.toLowerCase() === host || x.name.toLowerCase() === host);
    if (n) return { node: n.name, system: n.system, how: `instance ${instance}` };
  }
  const k = cfg.alerts.routes.findIndex((r) => Object.entries(r.match).every(([label, value]) => a.labels[label] === value));
  if (k >= 0) {
    const r = cfg.alerts.routes[k]!;
    const match = Object.entries(r.match).map(([l, v]) => `${l}=${v}`).join(', ');
    if (r.node) return { node: r.node, system: byName(r.node)?.system ?? r.system ?? null, how: `route ${k + 1} (${match})` };
    return { node: null, system: r.system ?? null, how: `route ${k + 1} (${match}) names the system ${r.system} but no node` };
  }
  const seen = IDENTITY_LABELS.filter((l) => a.labels[l]).map((l) => `${l}=${a.labels[l]}`);
  if (named) seen.unshift(`node=${named}`);
  return { node: null, system: null, how: seen.length ? `no registered node matches ${[...new Set(seen)].join(', ')}` : 'the alert names no node (no node or instance label)' };
}
