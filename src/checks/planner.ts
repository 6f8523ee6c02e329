import type { ProblemCard } from '../knowledge/card.js';
import { type CheckSpec, CheckSpecSchema } from './spec.js';

/**
 * Turns a problem card's diagnostic commands into checks a worker can run against a node of
 * that system. `localhost` in a guide means the node being checked; commands aimed at other
 * hosts are left to people, since checks only ever target registered nodes.
 */
export function planChecks(card: ProblemCard): CheckSpec[] {
  const out = new Map<string, CheckSpec>();
  const add = (raw: Record<string, unknown>) => {
    const spec = CheckSpecSchema.parse(raw);
    const key = `${spec.kind}|${spec.url ?? ''}|${spec.port ?? ''}|${spec.command ?? ''}|${spec.unit ?? ''}`;
    if (!out.has(key)) out.set(key, spec);
  };
  const commands = [...new Set([...card.diagnosis.commands, ...card.commands])];
  for (const cmd of commands) {
    for (const part of cmd.split(/\s*(?:&&|;)\s*/)) planOne(part.trim(), add);
  }
  return [...out.values()];
}

const LOCAL = /^(localhost|127\.0\.0\.1|0\.0\.0\.0)$/;

function slug(s: string): string {
  return s.replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'root';
}

function planOne(cmd: string, add: (raw: Record<string, unknown>) => void): void {
  const words = cmd.replace(/^sudo\s+/, '').split(/\s+/);
  const [prog] = words;
  if (prog === 'curl' || prog === 'wget') {
    if (/\s-X\s*(POST|PUT|DELETE|PATCH)|\s-d\s|--data/.test(cmd)) return;
    const url = words.find((w) => /^https?:\/\//.test(w.replace(/^["']|["']$/g, '')))?.replace(/^["']|["']$/g, '');
    // Placeholders ("<client-id>") mean a person fills something in: not a runnable check.
    if (!url || /[<>{}$]/.test(url)) return;
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return;
    }
    if (!LOCAL.test(u.hostname)) return;
    const onNode = `${u.protocol}//{host}${u.port ? `:${u.port}` : ''}${u.pathname}`;
    if (/\/metrics$/.test(u.pathname)) add({ name: `metrics-${u.port || 'default'}`, kind: 'metrics', url: onNode });
    else if (/\/v1\/models$/.test(u.pathname)) add({ name: `models-${u.port || 'default'}`, kind: 'models', url: onNode });
    else add({ name: `http-${u.port || 'default'}-${slug(u.pathname)}`, kind: 'http', url: onNode, conditions: ['[STATUS] == 200'] });
    return;
  }
  if (prog === 'nc' || prog === 'telnet') {
    const args = words.slice(1).filter((w) => !w.startsWith('-'));
    const [host, port] = args;
    if (host && port && LOCAL.test(host) && /^\d+$/.test(port)) add({ name: `tcp-${port}`, kind: 'tcp', port: Number(port) });
    return;
  }
  if (prog === 'openssl' && words[1] === 's_client') {
    const target = words[words.indexOf('-connect') + 1] ?? '';
    const m = /^(localhost|127\.0\.0\.1):(\d+)$/.exec(target);
    if (m) add({ name: `tls-${m[2]}`, kind: 'tls', port: Number(m[2]) });
    return;
  }
  if (prog === 'df') return add({ name: 'disk', kind: 'ssh', command: 'disk', conditions: ['[DISK_USED_PERCENT] < 90'] });
  if (prog === 'free') return add({ name: 'memory', kind: 'ssh', command: 'memory' });
  if (prog === 'nvidia-smi' && words.length === 1) return add({ name: 'gpu', kind: 'ssh', command: 'gpu', conditions: ['[GPU_PRESENT] == true'] });
  const unit = (flag: string) => {
    const i = words.indexOf(flag);
    return i > 0 ? words[i + 1] : undefined;
  };
  if (prog === 'systemctl' && words.includes('status')) {
    const name = words[words.length - 1]!;
    if (/^[\w@.-]+$/.test(name) && name !== 'status') add({ name: `service-${name}`, kind: 'ssh', command: 'service', unit: name, conditions: ['[UNIT_ACTIVE] == true'] });
    return;
  }
  if (prog === 'journalctl') {
    const u = unit('-u');
    if (u && /^[\w@.-]+$/.test(u)) add({ name: `journal-${u}`, kind: 'ssh', command: 'journal', unit: u, lines: 100 });
    return;
  }
  if ((prog === 'docker' && words[1] === 'ps') || (prog === 'docker-compose' && words[1] === 'ps') || (prog === 'docker' && words[1] === 'compose' && words[2] === 'ps')) {
    add({ name: 'containers', kind: 'ssh', command: 'containers' });
  }
}
