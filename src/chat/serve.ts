import { digestTargets } from './digest-targets.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DiscordFrontDoor } from './adapters/discord.js';
import { SlackFrontDoor } from './adapters/slack.js';
import type { Services } from '../app.js';
import { OutboxConsumer, type Deliver } from '../queue/outbox.js';
import type { AlertThreads } from '../alerts/desk.js';
import { AlertIntake } from '../alerts/intake.js';
import { alertWebhook, WEBHOOK_PATHS } from '../alerts/webhook.js';

export interface Serving {
  http: Server;
  port: number;
  discord: DiscordFrontDoor | null;
  slack: SlackFrontDoor | null;
  stop(): Promise<void>;
}

/**
 * `medic serve`: the bot process. An HTTP server for /health, /metrics and the alert webhooks,
 * and every front door whose tokens are set.
 */
export async function serve(svc: Services): Promise<Serving> {
  const discord = svc.cfg.discord ? new DiscordFrontDoor(svc, svc.cfg.discord) : null;
  const slack = svc.cfg.slack ? new SlackFrontDoor(svc, svc.cfg.slack) : null;
  const slackEvents = slack?.requestListener ?? null;
  const alerts = new AlertIntake(svc.redis, svc.cfg.redisPrefix, svc.alerts, svc.log, svc.cfg.queues.lockMs);
  const webhook = alertWebhook(svc.cfg.webhookToken, alerts, svc.log);
  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (slackEvents && url.pathname === '/slack/events') slackEvents(req, res);
    else if (WEBHOOK_PATHS[url.pathname]) {
      webhook(req, res, url.pathname).catch((err: unknown) => {
        svc.log.error({ err }, 'alert webhook failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal error"}\n');
      });
    }
    else if (req.method === 'GET' && url.pathname === '/health') {
      const body = {
        status: 'ok',
        store: svc.store.kind,
        discord: discord ? (discord.client.isReady() ? 'ready' : 'connecting') : 'off',
        slack: slack ? (svc.cfg.slack?.appToken ? 'socket' : 'http') : 'off',
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } else if (req.method === 'GET' && url.pathname === '/metrics') {
      svc.metrics.registry
        .metrics()
        .then((text) => res.writeHead(200, { 'content-type': svc.metrics.registry.contentType }).end(text))
        .catch(() => res.writeHead(500).end());
    } else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve) => http.listen(svc.cfg.server.port, resolve));
  const port = (http.address() as AddressInfo).port;
  await Promise.all([discord?.start(), slack?.start()]);
  const deliver: Deliver = async ({ target, reply, answerId, edit, once }) => {
    if (target.platform === 'discord' && discord) await (edit ? discord.edit(target, edit, reply, answerId) : discord.post(target, reply, answerId, once));
    else if (target.platform === 'slack' && slack) await (edit ? slack.edit(target, edit, reply, answerId) : slack.post(target, reply, answerId, { once }));
    else throw new Error(`no ${target.platform} front door in this process`);
  };
  const outbox = svc.redis ? new OutboxConsumer(svc.redis, svc.cfg.redisPrefix, deliver, svc.log, svc.cfg.queues.lockMs) : null;
  svc.alerts.attach(alertThreads(discord, slack));
  alerts.consume();
  // Every bot process registers the schedule; the scheduler id makes it one.
  await svc.jobs.scheduleDigest(digestTargets(svc.cfg));
  return {
    http,
    port,
    discord,
    slack,
    async stop() {
      await alerts.close();
      await outbox?.close();
      await discord?.stop();
      await slack?.stop();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Alert threads through the front doors that are up: the first message in the channel, lines in its thread. */
function alertThreads(discord: DiscordFrontDoor | null, slack: SlackFrontDoor | null): AlertThreads {
  return {
    platforms: () => [...(discord ? (['discord'] as const) : []), ...(slack ? (['slack'] as const) : [])],
    async open(platform, channel, reply, answerId) {
      if (platform === 'discord' && discord) return discord.openThread(channel, reply, answerId);
      if (platform === 'slack' && slack) return slack.openThread(channel, reply, answerId);
      throw new Error(`no ${platform} front door in this process`);
    },
    async edit(ref, reply) {
      if (ref.platform === 'discord' && discord) await discord.edit({ channelId: ref.channelId, threadId: null }, ref.messageId, reply, ref.answerId);
      else if (ref.platform === 'slack' && slack) await slack.edit({ channelId: ref.channelId }, ref.messageId, reply, ref.answerId);
    },
    async post(ref, reply) {
      if (ref.platform === 'discord' && discord) await discord.post({ channelId: ref.channelId, threadId: ref.threadId }, reply);
      else if (ref.platform === 'slack' && slack) await slack.post({ channelId: ref.channelId, threadId: ref.threadId }, reply);
    },
  };
}
