import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { Client } from 'ssh2';
import type { NodeSpec } from './spec.js';

/** `SHA256:base64` of a host key, as `ssh-keygen -lf` prints it. */
export function fingerprint(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

/** What one command gave: its exit code (null when it was cut off), output up to the cap, and how it ended. */
export interface ExecResult {
  code: number | null;
  out: Buffer;
  stderr: string;
  truncated: boolean;
  timedOut: boolean;
  durationMs: number;
}

/** An SSH connection to a registered node, its host key checked against the pinned fingerprint. */
export interface SshSession {
  /** Runs one of Medic's own command templates; never throws for the command's failure. */
  exec(command: string, o: { timeoutMs: number; maxBytes: number }): Promise<ExecResult>;
  end(): void;
}

/**
 * Connects with the node's `ssh:` block (user, key, pinned host key). Rejects with a message a
 * person can act on: a wrong host key, refused authentication, or no answer within `readyTimeoutMs`.
 */
export async function openSsh(node: NodeSpec, o: { host?: string; readyTimeoutMs: number; signal?: AbortSignal }): Promise<SshSession> {
  const cfg = node.ssh;
  if (!cfg) throw new Error(`node ${node.name} has no ssh settings in medic.yaml`);
  const key = readFileSync(cfg.key.replace(/^~(?=\/)/, homedir()));
  // Loaded on first use: reading medic.yaml should not load an SSH client.
  const { default: ssh2 } = await import('ssh2');
  const client: Client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    let seenKey = '';
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(err);
    };
    // A server that accepts the connection and then says nothing trips this, not only readyTimeout.
    const timer = setTimeout(() => fail(new Error(`no SSH answer from ${o.host ?? node.host}:${cfg.port} within ${o.readyTimeoutMs} ms`)), o.readyTimeoutMs);
    o.signal?.addEventListener('abort', () => fail(new Error('timed out')), { once: true });
    client.on('error', (err) => {
      clearTimeout(timer);
      fail(seenKey && seenKey !== cfg.hostKey ? new Error(`host key ${seenKey} does not match the pinned ${cfg.hostKey}`) : err);
    });
    client.on('ready', () => {
      clearTimeout(timer);
      settled = true;
      resolve();
    });
    client.connect({
      host: o.host ?? node.host,
      port: cfg.port,
      username: cfg.user,
      privateKey: key,
      readyTimeout: o.readyTimeoutMs,
      // The host key must match the fingerprint pinned in medic.yaml.
      hostVerifier: (hostKey: Buffer) => {
        seenKey = fingerprint(hostKey);
        return seenKey === cfg.hostKey;
      },
    });
  });
  return {
    exec(command, { timeoutMs, maxBytes }) {
      const started = performance.now();
      return new Promise<ExecResult>((resolve) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        let stderr = '';
        let done = false;
        const finish = (code: number | null, timedOut: boolean) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          resolve({ code, out: Buffer.concat(chunks), stderr, truncated, timedOut, durationMs: Math.round(performance.now() - started) });
        };
        let channel: { close(): void } | null = null;
        // A command past its time is closed on the node's side too.
        const timer = setTimeout(() => {
          finish(null, true);
          channel?.close();
        }, timeoutMs);
        client.exec(command, (err, stream) => {
          if (err) {
            stderr = err.message;
            return finish(null, false);
          }
          channel = stream;
          stream.on('data', (d: Buffer) => {
            if (size >= maxBytes) {
              truncated = true;
              return;
            }
            const keep = d.subarray(0, maxBytes - size);
            if (keep.length < d.length) truncated = true;
            chunks.push(keep);
            size += keep.length;
          });
          stream.stderr.on('data', (d: Buffer) => {
            if (stderr.length < 4000) stderr += d.toString('utf8');
          });
          stream.on('close', (code: number | null) => finish(code ?? null, false));
        });
      });
    },
    end: () => client.end(),
  };
}
