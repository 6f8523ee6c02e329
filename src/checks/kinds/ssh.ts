import type { Facts } from '../condition.js';
import { openSsh } from '../ssh-session.js';
import type { CheckKind } from '../kind.js';
import type { CheckSpec } from '../spec.js';

type Template = NonNullable<CheckSpec['command']>;

/**
 * The only commands Medic runs over SSH: fixed, read-only templates. Unit names and line
 * counts are validated by medic.yaml's schema (`^[\w@.-]+$`, 1..500), so no free text ever
 * reaches a shell.
 */
export function templateCommand(spec: CheckSpec): string {
  const unit = spec.unit ?? '';
  if ((spec.command === 'service' || spec.command === 'journal') && !/^[\w@.-]+$/.test(unit)) throw new Error(`${spec.command} needs a unit name`);
  const lines = Math.min(500, Math.max(1, spec.lines ?? 100));
  const commands: Record<Template, string> = {
    disk: 'df -P',
    memory: 'free -b',
    gpu: 'nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv,noheader',
    service: `systemctl is-active ${unit}`,
    journal: `journalctl -u ${unit} -n ${lines} --no-pager`,
    containers: "docker ps --format '{{.Names}}\\t{{.Status}}'",
  };
  return commands[spec.command!];
}

/** Facts parsed from a template's output. */
export function parseOutput(command: Template, out: string, code: number): Facts {
  const lines = out.split('\n').filter((l) => l.trim());
  switch (command) {
    case 'disk': {
      const used = lines.slice(1).map((l) => Number(/(\d+)%/.exec(l)?.[1])).filter((n) => !Number.isNaN(n));
      return { DISK_USED_PERCENT: used.length ? Math.max(...used) : null, FILESYSTEMS: used.length };
    }
    case 'memory': {
      const mem = lines.find((l) => /^Mem:/.test(l))?.split(/\s+/) ?? [];
      const total = Number(mem[1]);
      const available = Number(mem[6] ?? mem[3]);
      return { MEMORY_TOTAL_BYTES: total, MEMORY_AVAILABLE_BYTES: available, MEMORY_AVAILABLE_PERCENT: total ? Math.round((available / total) * 1000) / 10 : null };
    }
    case 'gpu':
      return { GPU_PRESENT: code === 0 && lines.length > 0, GPU_COUNT: code === 0 ? lines.length : 0, GPUS: code === 0 ? lines : [] };
    case 'service':
      return { UNIT_ACTIVE: out.trim() === 'active', UNIT_STATE: out.trim() || 'unknown' };
    case 'journal':
      return { LINES: lines.length, JOURNAL_ERRORS: lines.filter((l) => /\b(error|fatal|panic|failed|ERR|FTL)\b/i.test(l)).length, TAIL: lines.slice(-5) };
    case 'containers': {
      const rows = lines.map((l) => l.split('\t'));
      return { CONTAINERS: rows.map((r) => r[0]), CONTAINERS_UNHEALTHY: rows.filter((r) => /unhealthy|restarting/i.test(r[1] ?? '')).length };
    }
  }
}

export const ssh: CheckKind = {
  kind: 'ssh',
  defaults: ['[EXIT_CODE] == 0'],
  async measure(ctx) {
    const command = templateCommand(ctx.spec);
    const session = await openSsh(ctx.node, { ...(ctx.spec.host ? { host: ctx.spec.host } : {}), readyTimeoutMs: ctx.spec.timeoutMs, signal: ctx.signal });
    try {
      const r = await session.exec(command, { timeoutMs: ctx.spec.timeoutMs, maxBytes: 1_000_000 });
      if (r.timedOut) throw new Error('timed out');
      const code = r.code ?? -1;
      return { EXIT_CODE: code, ...parseOutput(ctx.spec.command!, r.out.toString('utf8'), code) };
    } finally {
      session.end();
    }
  },
};
