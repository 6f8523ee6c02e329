import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../test/helpers.js';

/**
 * `medic analyze` on about 1 GB of logs as a .tar.gz, against the floor of `tar xzf` plus
 * `grep -c -E 'ERROR|WARN'` on the same file. Target: within 2x, peak RSS at most 256 MB.
 */
const TARGET_BYTES = Number(process.env.MEDIC_BENCH_BUNDLE_MB ?? 1024) * 1024 * 1024;
const FILES = 8;

const TEMPLATES: Array<(i: number, ts: string) => string> = [
  (i, ts) => `${ts} INFO  lloom_executor: request ${i} served in ${(i % 997) + 3} ms for peer 12D3KooW${(i * 7919).toString(36).padStart(12, 'x')}`,
  (i, ts) => `${ts} DEBUG lloom_core::network: gossip tick ${i} peers=${i % 40} bytes=${i * 13}`,
  (i, ts) => `{"level":"info","ts":"${ts}","msg":"processed task","task":"0x${(i * 104729).toString(16)}","avs":"0x123"}`,
  (i, ts) => `Nov 20 ${ts.slice(11, 19)} build-1 hg-coordinator[812]: time=${ts} level=info msg="task scheduled" task=t-${i} worker=worker-${i % 4}`,
  (i, ts) => `${ts.replace('T', ' ').replace('Z', '')} INFO agents.orchestrator: task ${i} dispatched to coder from 10.0.${i % 255}.${(i * 7) % 255}`,
];
const TROUBLE: Array<(i: number, ts: string) => string> = [
  (_i, ts) => `${ts} ERROR lloom_executor::llm_client: Failed to connect to LMStudio: Connection refused (os error 111)`,
  (i, ts) => `${ts} WARN  lloom_core::network: Peer disconnected: 12D3KooW${(i * 31).toString(36).padStart(12, 'q')} (reason: Timeout)`,
  (i, ts) => `{"level":"error","ts":"${ts}","msg":"Failed to create performer","error":"kubernetes configuration is required","avs":"0x${i.toString(16)}"}`,
  (i, ts) => `Nov 20 ${ts.slice(11, 19)} build-1 hg-coordinator[812]: time=${ts} level=warn msg="circuit breaker open" worker=worker-${i % 4} failures=5`,
  (i, ts) => `${ts} ERROR llmspell_providers::openai: Error: Rate limit exceeded. Please retry after ${i % 60} seconds`,
  (i, ts) => `${ts} ERROR custom_service: unexpected state ${i % 17} in shard ${i % 5}`,
];

/** Where the generated bundle is kept between runs (it takes a while to make). */
function bundlePath(): string {
  return join(tmpdir(), `medic-bench-logs-${Math.round(TARGET_BYTES / 1024 / 1024)}mb.tar.gz`);
}

async function writeLogs(src: string): Promise<void> {
  const base = Date.parse('2026-11-20T00:00:00Z');
  let n = 0;
  for (let f = 0; f < FILES; f++) {
    const stream = createWriteStream(join(src, 'logs', `service-${f}.log`));
    let written = 0;
    const chunk: string[] = [];
    while (written < TARGET_BYTES / FILES) {
      const ts = new Date(base + n * 37).toISOString();
      // About 1 line in 100 is a warning or an error.
      const line = n % 100 === 42 ? TROUBLE[(n >> 7) % TROUBLE.length]!(n, ts) : TEMPLATES[n % TEMPLATES.length]!(n, ts);
      chunk.push(line);
      written += line.length + 1;
      n++;
      if (chunk.length === 5000) {
        if (!stream.write(chunk.join('\n') + '\n')) await once(stream, 'drain');
        chunk.length = 0;
      }
    }
    stream.end(chunk.length ? chunk.join('\n') + '\n' : '');
    await once(stream, 'close');
  }
}

function timed(cmd: string, env: NodeJS.ProcessEnv = process.env): { seconds: number; rssMB: number; stdout: string } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', 'bash', '-c', cmd], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const [secs, kb] = r.stderr.trim().split('\n').at(-1)!.split(' ');
  return { seconds: Number(secs), rssMB: Math.round(Number(kb) / 1024), stdout: r.stdout };
}

export async function benchBundles(dataDir: string): Promise<Record<string, unknown>> {
  const bundle = bundlePath();
  if (!existsSync(bundle) || statSync(bundle).size === 0) {
    const src = join(tmpdir(), 'medic-bench-logs-src');
    rmSync(src, { recursive: true, force: true });
    mkdirSync(join(src, 'logs'), { recursive: true });
    await writeLogs(src);
    const packed = spawnSync('tar', ['czf', bundle, '-C', src, 'logs']);
    rmSync(src, { recursive: true, force: true });
    if (packed.status !== 0) throw new Error(`tar czf failed: ${packed.stderr}`);
  }
  const scratch = join(tmpdir(), `medic-bench-floor-${process.pid}`);
  mkdirSync(scratch, { recursive: true });
  let floor;
  try {
    floor = timed(`tar xzf '${bundle}' -C '${scratch}' && grep -r -c -E 'ERROR|WARN' '${scratch}' > /dev/null`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  // The index is built before, so the timing is the analysis alone.
  timed(`node '${join(ROOT, 'bin', 'medic.js')}' triage 'warm up' > /dev/null`, { ...process.env, MEDIC_DATA_DIR: dataDir });
  const medic = timed(`node '${join(ROOT, 'bin', 'medic.js')}' analyze --json '${bundle}'`, { ...process.env, MEDIC_DATA_DIR: dataDir });
  const report = JSON.parse(medic.stdout) as { input: { unpackedBytes: number }; logs: { lines: number; errors: number; warnings: number; templates: number }; findings: unknown[] };
  return {
    compressedMB: Math.round(statSync(bundle).size / 1024 / 1024),
    unpackedMB: Math.round(report.input.unpackedBytes / 1024 / 1024),
    lines: report.logs.lines,
    errorsAndWarnings: report.logs.errors + report.logs.warnings,
    templates: report.logs.templates,
    findings: report.findings.length,
    medicSeconds: medic.seconds,
    medicPeakRssMB: medic.rssMB,
    floorSeconds: floor.seconds,
    ratioToFloor: Math.round((medic.seconds / floor.seconds) * 100) / 100,
    targets: { ratioToFloor: 2, peakRssMB: 256 },
  };
}

if (process.argv[1]?.endsWith('bundles.js')) {
  const { tempDir } = await import('../test/helpers.js');
  process.stdout.write(JSON.stringify(await benchBundles(tempDir('medic-bench-')), null, 2) + '\n');
}
