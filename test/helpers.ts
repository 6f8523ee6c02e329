import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `medic ARGS` as a user would, through bin/medic.js. */
export function medic(args: string[], opts: { env?: Record<string, string>; input?: string | Buffer; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'medic.js'), ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    child.stdin.on('error', () => {});
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

const made: string[] = [];
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp folder, removed when the test process exits. */
export function tempDir(prefix = 'medic-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** A private copy of the shipped guides, for tests that change them. */
export function copyKnowledge(): string {
  const dir = join(tempDir(), 'knowledge');
  cpSync(join(ROOT, 'knowledge'), dir, { recursive: true });
  return dir;
}

export interface Daemon {
  child: import('node:child_process').ChildProcess;
  stderr: () => string;
  /** Resolves when stderr has printed a line matching `re`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<number | null>;
}

/** Starts a long-running `medic ARGS` (serve, console) and watches its stderr. */
export function daemon(args: string[], env: Record<string, string>, stdin: 'pipe' | 'ignore' = 'ignore'): Daemon {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'medic.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: [stdin, 'pipe', 'pipe'] });
  let err = '';
  const listeners: Array<() => void> = [];
  child.stderr!.on('data', (d) => {
    err += d;
    listeners.forEach((l) => l());
  });
  child.stdout!.resume();
  return {
    child,
    stderr: () => err,
    waitFor(re, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(err);
          if (m) {
            clearTimeout(t);
            resolve(m[0]);
          }
        };
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${re} in stderr:\n${err}`)), timeoutMs);
        listeners.push(check);
        child.once('exit', (code) => {
          clearTimeout(t);
          if (!re.test(err)) reject(new Error(`medic exited ${code} before ${re}:\n${err}`));
        });
        check();
      });
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      });
    },
  };
}

/** The variables that point both chat front doors at their fakes. */
export function chatEnv(discord: { apiUrl: string }, slack: { apiUrl: string; botToken: string }): Record<string, string> {
  return {
    DISCORD_TOKEN: 'fake-token',
    DISCORD_API_URL: discord.apiUrl,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: 'xapp-fake-app-token',
    SLACK_API_URL: slack.apiUrl,
  };
}
