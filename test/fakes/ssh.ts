import { timingSafeEqual } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { fingerprint } from '../../src/checks/ssh-session.js';

const { Server, utils } = ssh2;

/** Canned answers for the commands Medic's templates run; anything else is refused. */
export const OUTPUTS: Record<string, string> = {
  'df -P': 'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 100000 93000 7000 93% /\ntmpfs 1000 10 990 1% /run\n',
  'free -b': '              total        used        free      shared  buff/cache   available\nMem:    16000000000  12000000000  1000000000  0  3000000000  3200000000\nSwap:            0            0            0\n',
  'systemctl is-active lloom-executor': 'active\n',
  'journalctl -u lloom-executor -n 50 --no-pager': 'Nov 05 11:12:00 n1 lloom-executor[1]: INFO started\nNov 05 11:13:00 n1 lloom-executor[1]: ERROR lloom_core::network: Failed to dial bootstrap peer\n',
  "docker ps --format '{{.Names}}\\t{{.Status}}'": 'starcoder\tUp 2 hours (unhealthy)\ngenerator-agent\tUp 2 hours\n',
  // What `medic collect` runs on a lloom node (nvidia-smi -q hangs: see HANGS).
  'systemctl status lloom-executor --no-pager': '● lloom-executor.service - Lloom executor\n   Active: active (running) since Thu 2026-12-03 09:00:00 UTC\n',
  'journalctl -u lloom-executor -n 2000 --no-pager':
    'Dec 07 10:00:01 n1 lloom-executor[811]: INFO starting executor\n' +
    'Dec 07 10:00:02 n1 lloom-executor[811]: INFO using OPENAI_API_KEY=sk-proj-CANARY0123456789abcdefABCDEF0123456789 for fallback\n' +
    'Dec 07 10:00:05 n1 lloom-executor[811]: ERROR lloom_core::network: Failed to dial bootstrap peer: Transport error\n'.repeat(3) +
    'Dec 07 10:00:35 n1 lloom-executor[811]: WARN lloom_core::network: No peers connected after 30 seconds\n',
  'df -h': 'Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda1       100G   97G  3.0G  97% /\n',
  'free -m': '               total        used        free      shared  buff/cache   available\nMem:           16000       12000        1000           0        3000        3200\n',
  'ss -tlnp': 'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0      128    0.0.0.0:9092      0.0.0.0:*     users:(("lloom-executor",pid=811,fd=9))\n',
};

/** Commands that never finish: a collector must time out on them, not hang. */
export const HANGS = new Set(['nvidia-smi -q']);

export interface FakeSsh {
  port: number;
  hostKey: string;
  clientKeyPath: string;
  /** Every command the client asked to run, allowed or not. */
  commands: string[];
  stop(): Promise<void>;
}

/** An ed25519 pair ssh2 can read back: about 1 in 400 it generates does not parse, so those are drawn again. */
function keyPair(): { private: string; public: string } {
  for (;;) {
    const k = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(k.private) instanceof Error)) return k;
  }
}

/** A real SSH server (ssh2) that accepts one client key and answers the allowlisted commands. */
export async function startSshServer(dir: string): Promise<FakeSsh> {
  const host = keyPair();
  const client = keyPair();
  const clientKeyPath = join(dir, 'medic_ed25519');
  writeFileSync(clientKeyPath, client.private, { mode: 0o600 });
  const allowed = utils.parseKey(client.public) as ssh2.ParsedKey;
  const hostPublic = utils.parseKey(host.public) as ssh2.ParsedKey;
  const commands: string[] = [];

  const server = new Server({ hostKeys: [host.private] }, (conn) => {
    conn.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
      const pub = allowed.getPublicSSH();
      const same = ctx.key.algo === allowed.type && ctx.key.data.length === pub.length && timingSafeEqual(ctx.key.data, pub);
      if (!same) return ctx.reject();
      if (ctx.signature && ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject();
      ctx.accept();
    });
    conn.on('ready', () => {
      conn.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec, _reject, info) => {
          const stream = acceptExec();
          commands.push(info.command);
          const out = OUTPUTS[info.command];
          if (HANGS.has(info.command)) return;
          if (out === undefined) {
            stream.stderr.write(`refused: ${info.command}\n`);
            stream.exit(127);
          } else {
            stream.write(out);
            stream.exit(0);
          }
          stream.end();
        });
      });
    });
    conn.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    hostKey: fingerprint(hostPublic.getPublicSSH()),
    clientKeyPath,
    commands,
    stop: () => new Promise((r) => server.close(() => r())),
  };
}
