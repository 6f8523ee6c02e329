import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeDiscord, type RestCall } from '../test/fakes/discord.js';
import { daemon, tempDir } from '../test/helpers.js';
import { startRedis } from '../test/redis.js';
import { pct } from './percentile.js';

const ALERTS = 200;
const SECONDS = 10;
/** Of the 200, this many open a thread; the rest repeat one of them (an edit and a line). */
const GROUPS = 150;
const TOKEN = 'bench-webhook-token-0123456789';

/**
 * 200 generic alerts in 10 seconds through `POST /webhooks/generic` of a real `medic serve`
 * (Redis, the fake Discord): each must reach its thread (a new one, or an edit of its group's
 * first message). Latency is from the request to the Discord call that shows it.
 */
export async function benchAlerts(dataDir: string): Promise<Record<string, unknown>> {
  const redis = await startRedis();
  const discord = new FakeDiscord();
  await discord.start();
  const dir = tempDir('medic-bench-alerts-');
  writeFileSync(join(dir, 'medic.yaml'), 'alerts: { channel: ops-alerts, lineEverySeconds: 0 }\n');
  const bot = daemon(['serve'], {
    MEDIC_CONFIG: join(dir, 'medic.yaml'),
    // The index the bench built: the bot starts without building one.
    MEDIC_DATA_DIR: dataDir,
    REDIS_URL: redis.url,
    MEDIC_REDIS_PREFIX: redis.prefix,
    MEDIC_PORT: '0',
    MEDIC_WEBHOOK_TOKEN: TOKEN,
    DISCORD_TOKEN: 'bench-token',
    DISCORD_API_URL: discord.apiUrl,
    MEDIC_LOG_LEVEL: 'warn',
  });
  try {
    const port = Number(/port (\d+)/.exec(await bot.waitFor(/alert webhooks \([^)]*\) on port \d+/, 120_000))![1]);
    await bot.waitFor(/Discord connected/, 60_000);
    const channel = discord.channels.opsAlerts.id;
    const sentAt = new Map<number, number>();
    const shows = (c: RestCall, k: number, title: string): boolean => {
      const body = JSON.stringify(c.body);
      if (!body.includes(title)) return false;
      // A repeat shows as the first message's edit counting it.
      return k < GROUPS ? c.method === 'POST' && c.path === `/channels/${channel}/messages` : c.method === 'PATCH' && body.includes('notifications since');
    };
    const latencies: number[] = [];
    let failed = 0;
    const started = performance.now();
    const sends: Array<Promise<void>> = [];
    for (let k = 0; k < ALERTS; k++) {
      const group = k < GROUPS ? k : k % GROUPS;
      const title = `Bench alert ${String(group).padStart(3, '0')}`;
      const wait = Math.max(0, started + (k * SECONDS * 1000) / ALERTS - performance.now());
      await new Promise((r) => setTimeout(r, wait));
      const seen = discord.waitFor((c) => shows(c, k, `Firing: ${title} `), 60_000);
      sentAt.set(k, Date.now());
      sends.push(
        fetch(`http://127.0.0.1:${port}/webhooks/generic`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ title, text: k % 3 ? 'Error: Address already in use (os error 98)' : 'disk almost full on /var', labels: { instance: `10.1.${group >> 8}.${group & 255}:9100` } }),
        }).then(async (res) => {
          if (res.status !== 202) {
            failed++;
            return;
          }
          const call = await seen.catch(() => null);
          if (call) latencies.push(call.at - sentAt.get(k)!);
          else failed++;
        }),
      );
    }
    await Promise.all(sends);
    const totalMs = performance.now() - started;
    return {
      alerts: ALERTS,
      overSeconds: SECONDS,
      newThreads: GROUPS,
      repeats: ALERTS - GROUPS,
      reached: latencies.length,
      failed,
      totalMs: Math.round(totalMs),
      p50Ms: Math.round(pct(latencies, 50)),
      p99Ms: Math.round(pct(latencies, 99)),
    };
  } finally {
    await bot.stop();
    await discord.stop();
    await redis.stop();
  }
}
