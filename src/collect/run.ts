import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { create } from 'tar';
import type { MedicConfig } from '../config.js';
import { openSsh, type SshSession } from '../checks/ssh-session.js';
import type { NodeSpec } from '../checks/spec.js';
import { clip } from '../text/clip.js';
import { redactText } from '../text/redact.js';
import type { PlannedCommand } from './plan.js';

/** What each command gave, as the bundle's manifest.json records it. */
export interface CollectedCommand {
  file: string;
  command: string;
  exitCode: number | null;
  durationMs: number;
  bytes: number;
  truncated: boolean;
  /** Why it has no output: the connection failed, it timed out, the time or size budget ran out. */
  missing: string | null;
}

export interface CollectManifest {
  tool: 'medic collect';
  node: string;
  system: string;
  host: string;
  startedAt: string;
  durationMs: number;
  budgetMs: number;
  connected: boolean;
  error: string | null;
  commands: CollectedCommand[];
}

/**
 * Runs the planned commands on the node over SSH, one at a time within the time budget and the
 * size cap, and packs what came back into `out` (a .tar.gz: the node's folder and manifest.json).
 * A node that is down, slow or refuses gives a manifest that says what is missing and why; this
 * never hangs past the budget.
 */
export async function collectBundle(cfg: Pick<MedicConfig, 'collect'>, node: NodeSpec, plan: PlannedCommand[], workDir: string, out: string): Promise<CollectManifest> {
  const started = Date.now();
  const budgetMs = cfg.collect.budgetSeconds * 1000;
  const deadline = started + budgetMs;
  let room = Math.floor(cfg.collect.maxMB * 1024 * 1024);
  const folder = join(workDir, node.name);
  await mkdir(folder, { recursive: true });
  const manifest: CollectManifest = { tool: 'medic collect', node: node.name, system: node.system, host: node.host, startedAt: new Date(started).toISOString(), durationMs: 0, budgetMs, connected: false, error: null, commands: [] };
  const missing = (p: PlannedCommand, why: string): CollectedCommand => ({ file: p.file, command: p.command, exitCode: null, durationMs: 0, bytes: 0, truncated: false, missing: why });

  let session: SshSession | null = null;
  try {
    session = await openSsh(node, { readyTimeoutMs: Math.max(1000, Math.min(cfg.collect.commandSeconds * 1000, deadline - Date.now())) });
    manifest.connected = true;
  } catch (err) {
    manifest.error = redactText((err as Error).message);
    manifest.commands = plan.map((p) => missing(p, `not collected: ${manifest.error}`));
  }
  if (session) {
    try {
      for (const p of plan) {
        const left = deadline - Date.now();
        if (left < 500) {
          manifest.commands.push(missing(p, `skipped: the ${cfg.collect.budgetSeconds} s budget ran out`));
          continue;
        }
        if (room <= 0) {
          manifest.commands.push(missing(p, `skipped: the ${cfg.collect.maxMB} MB cap was reached`));
          continue;
        }
        const r = await session.exec(p.command, { timeoutMs: Math.min(p.timeoutMs, left), maxBytes: Math.min(p.maxBytes, room) });
        room -= r.out.length;
        await writeFile(join(folder, p.file), r.out);
        const why = r.timedOut ? `timed out after ${Math.min(p.timeoutMs, left)} ms` : r.code === null && r.stderr ? `failed: ${clip(redactText(r.stderr.trim()), 200)}` : null;
        manifest.commands.push({ file: p.file, command: p.command, exitCode: r.code, durationMs: r.durationMs, bytes: r.out.length, truncated: r.truncated, missing: why });
      }
    } finally {
      session.end();
    }
  }
  manifest.durationMs = Date.now() - started;
  await writeFile(join(workDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  await create({ gzip: true, file: out, cwd: workDir, portable: true }, ['manifest.json', node.name]);
  return manifest;
}

/** One line per command that is missing, for the reply. */
export function collectSummary(m: CollectManifest): { title: string; lines: string[] } {
  const got = m.commands.filter((c) => !c.missing).length;
  const title = m.connected ? `Collected ${got} of ${m.commands.length} from ${m.node} in ${(m.durationMs / 1000).toFixed(1)} s` : `Could not collect from ${m.node}: ${m.error}`;
  const lines = m.commands.filter((c) => c.missing || c.truncated).map((c) => `- ${c.command}: ${c.missing ?? `cut at ${c.bytes} bytes`}`);
  return { title, lines };
}
