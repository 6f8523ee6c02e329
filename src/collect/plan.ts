import type { MedicConfig } from '../config.js';
import type { NodeSpec } from '../checks/spec.js';
import { fill, type Param, TEMPLATES, type TemplateName } from './collector.js';
import { BASIC, COLLECTOR_SETS } from './sets/index.js';

/** One command of a collection: what runs, where its output goes in the bundle, and its limits. */
export interface PlannedCommand {
  /** The file in the bundle, under the node's folder. */
  file: string;
  command: string;
  timeoutMs: number;
  maxBytes: number;
}

/** A request a person can fix: an unknown node or name. */
export class CollectError extends Error {
  override name = 'CollectError';
}

/** Logs keep a log's name, so the bundle analysis reads them as logs. */
const LOGS = new Set<TemplateName>(['journal', 'user-journal', 'container-logs']);

/**
 * The commands `medic collect` runs on a node: its system's set (or the basics), for the units,
 * containers and namespaces the node's `collect:` block names, else the set's. `units` narrows the
 * collection to some of those; a unit the node does not have is refused, never run.
 */
export function planCollection(cfg: Pick<MedicConfig, 'collect'>, node: NodeSpec, o: { units?: string[] } = {}): PlannedCommand[] {
  const set = COLLECTOR_SETS.get(node.system) ?? BASIC;
  const names: Record<Param, string[]> = {
    unit: node.collect?.units ?? set.units,
    container: node.collect?.containers ?? set.containers,
    namespace: node.collect?.namespaces ?? set.namespaces,
  };
  if (o.units?.length) {
    const unknown = o.units.filter((u) => !names.unit.includes(u));
    if (unknown.length) {
      throw new CollectError(
        `unknown unit ${unknown.map((u) => JSON.stringify(u)).join(', ')} on ${node.name}: it collects ${names.unit.length ? names.unit.join(', ') : 'no units'} (set nodes[].collect.units in medic.yaml)`,
      );
    }
    names.unit = o.units;
  }
  const out: PlannedCommand[] = [];
  for (const name of set.templates) {
    const t = TEMPLATES[name];
    const values: Array<string | null> = 'param' in t ? names[t.param] : [null];
    for (const v of values) {
      const stem = v ? `${name}-${v.replace(/[^\w.-]+/g, '_')}` : name;
      out.push({
        file: `${stem}.${LOGS.has(name) ? 'log' : 'txt'}`,
        command: fill(t, v),
        timeoutMs: cfg.collect.commandSeconds * 1000,
        maxBytes: t.maxKB * 1024,
      });
    }
  }
  return out;
}
