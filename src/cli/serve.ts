import type { Command } from 'commander';
import { loadConfig } from '../config.js';

/** The bot's front doors and HTTP endpoints, until SIGTERM or SIGINT. */
export async function serveUntilStopped(): Promise<void> {
  const [{ openServices }, { serve }, { closeOwnConnections }] = await Promise.all([import('../app.js'), import('../chat/serve.js'), import('../queue/outbox.js')]);
  const cfg = loadConfig();
  const svc = await openServices(cfg, { defaultMetrics: true, threadedModel: true });
  process.stderr.write(svc.mode + '\n');
  // Listen for SIGTERM before saying we are up, so a stop right after start is graceful.
  let stopNow: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stopNow = resolve));
  process.once('SIGTERM', () => stopNow());
  process.once('SIGINT', () => stopNow());
  const s = await serve(svc);
  const doors = [s.discord ? 'Discord connected' : '', s.slack ? `Slack connected (${cfg.slack?.appToken ? 'Socket Mode' : 'HTTP events at /slack/events'})` : ''].filter(Boolean);
  const hooks = cfg.webhookToken ? ' and the alert webhooks (/webhooks/alertmanager, /webhooks/generic)' : '';
  process.stderr.write(`medic: serving /health and /metrics${hooks} on port ${s.port}${doors.length ? `; ${doors.join('; ')}` : ''}\n`);
  if (hooks && !doors.length) process.stderr.write('medic: no Discord or Slack token: alerts are kept and triaged, and their threads open with the next notification once a front door is set\n');
  await stopped;
  process.stderr.write('medic: shutting down\n');
  await s.stop();
  await svc.close();
  await closeOwnConnections();
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the bot: Discord and Slack front doors whose tokens are set; /health, /metrics and the alert webhooks over HTTP')
    .addHelpText('after', '\nExamples:\n  $ DISCORD_TOKEN=... medic serve')
    .action(() => serveUntilStopped());
}
