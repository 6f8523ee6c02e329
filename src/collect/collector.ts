import { CONTAINER, NAMESPACE, UNIT } from '../checks/spec.js';

/** What a template needs filled in: a unit, a container or a namespace, from medic.yaml or a system's set. */
export type Param = 'unit' | 'container' | 'namespace';

/** A read-only command Medic ships. Nothing else is ever run on a node, and nothing a chat user typed. */
export interface Template {
  /** The command; `{unit}`, `{container}`, `{namespace}` are filled with a checked name. */
  command: string;
  param?: Param;
  /** Cut the output here. */
  maxKB: number;
  /** A slower command gets more of the budget (seconds); the default is `collect.commandSeconds`. */
  timeoutSeconds?: number;
}

/** The templates, by name: starting from the commands the guides' diagnosis sections use. */
export const TEMPLATES = {
  'systemd-status': { command: 'systemctl status {unit} --no-pager', param: 'unit', maxKB: 64 },
  journal: { command: 'journalctl -u {unit} -n 2000 --no-pager', param: 'unit', maxKB: 2048 },
  'user-systemd-status': { command: 'systemctl --user status {unit} --no-pager', param: 'unit', maxKB: 64 },
  'user-journal': { command: 'journalctl --user -u {unit} -n 2000 --no-pager', param: 'unit', maxKB: 2048 },
  gpu: { command: 'nvidia-smi -q', maxKB: 512 },
  disk: { command: 'df -h', maxKB: 64 },
  memory: { command: 'free -m', maxKB: 16 },
  listening: { command: 'ss -tlnp', maxKB: 128 },
  processes: { command: 'ps aux --sort=-%mem', maxKB: 512 },
  containers: { command: 'docker ps -a', maxKB: 128 },
  'container-logs': { command: 'docker logs --tail 2000 {container}', param: 'container', maxKB: 2048 },
  'container-stats': { command: 'docker stats --no-stream', maxKB: 64 },
  'k8s-events': { command: 'kubectl get events -n {namespace} --sort-by=.lastTimestamp', param: 'namespace', maxKB: 1024 },
  'k8s-pods': { command: 'kubectl get pods -n {namespace} -o wide', param: 'namespace', maxKB: 256 },
  'k8s-top': { command: 'kubectl top pods -n {namespace}', param: 'namespace', maxKB: 64 },
} as const satisfies Record<string, Template>;

export type TemplateName = keyof typeof TEMPLATES;

/** A system's set: the templates it runs, and the names they run for unless the node says otherwise. */
export interface CollectorSet {
  system: string;
  templates: TemplateName[];
  units: string[];
  containers: string[];
  namespaces: string[];
}

const PATTERN: Record<Param, RegExp> = { unit: UNIT, container: CONTAINER, namespace: NAMESPACE };

/** A template filled with a name, checked again here (it reaches a shell on the node). */
export function fill(t: Template, value: string | null): string {
  if (!t.param) return t.command;
  if (!value || !PATTERN[t.param].test(value)) throw new Error(`not a ${t.param} name: ${JSON.stringify(value)}`);
  return t.command.replace(`{${t.param}}`, value);
}
