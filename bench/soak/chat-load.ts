import { pct } from '../percentile.js';
import { botAnsweredPastes } from './pastes.js';
import { expect, note, type Scenario } from './scenario.js';
import { sleep, type Stack } from './stack.js';

const RATES = [10, 50, 100];
const SECONDS = 30;

/**
 * Pastes through the fake Discord at 10, 50 and 100 a second, 30 s each, each from its own
 * person: time from the message to the bot's first message in its thread, pastes left
 * unanswered, the bot's memory, and its event-loop lag (from its own /metrics).
 */
export const chatLoad: Scenario = {
  name: 'chat load',
  async run(stack: Stack) {
    const discord = stack.discord;
    const sentAt = new Map<string, number>();
    const latency = new Map<string, number>();
    discord.onCall = (c) => {
      const m = /^\/channels\/(\d+)\/messages$/.exec(c.path);
      if (c.method !== 'POST' || !m) return;
      const t = sentAt.get(m[1]!);
      if (t !== undefined && !latency.has(m[1]!)) latency.set(m[1]!, c.at - t);
    };
    let user = 0;
    const send = (content: string, phase: string) => {
      const id = discord.sendMessage({ channel: 'troubleshooting', content, userId: `${phase}-${user++}` });
      sentAt.set(id, Date.now());
      return id;
    };
    try {
      const pastes = await botAnsweredPastes(stack);
      let n = 0;
      const paste = (phase: string) => send(pastes[n++ % pastes.length]!, phase);
      const rssBeforeMB = stack.bot!.rssMB();
      note(`${pastes.length} pastes the bot answers; its RSS ${rssBeforeMB} MB`);
      const phases: Array<Record<string, unknown>> = [];
      const missed: string[] = [];
      for (const rate of RATES) {
        await lagP99(stack); // resets the bot's histogram
        const ids: string[] = [];
        const restBefore = discord.calls.length;
        const start = Date.now();
        for (let i = 0; i < rate * SECONDS; i++) {
          const due = start + (i * 1000) / rate;
          if (due > Date.now()) await sleep(due - Date.now());
          ids.push(paste(`r${rate}`));
        }
        const sendMs = Date.now() - start;
        // discord.js keeps to Discord's global limit of 50 requests a second; an answer takes two (its thread, its message).
        const restPerSecond = Math.round(((discord.calls.length - restBefore) / sendMs) * 10000) / 10;
        await waitFor(() => ids.every((id) => latency.has(id)), 15_000);
        const lag = await lagP99(stack);
        const times = ids.flatMap((id) => (latency.has(id) ? [latency.get(id)!] : []));
        const dropped = ids.length - times.length;
        const phase = { perSecond: rate, sent: ids.length, sendSeconds: Math.round(sendMs / 100) / 10, replied: times.length, dropped, p50Ms: pct(times, 50), p99Ms: pct(times, 99), maxMs: Math.max(...times), eventLoopLagP99Ms: lag, botRestCallsPerSecond: restPerSecond, rssMB: stack.bot!.rssMB() };
        phases.push(phase);
        note(JSON.stringify(phase));
        expect(missed, dropped === 0, `${rate}/s: dropped ${dropped}, target 0`);
        if (rate === 100) expect(missed, phase.p99Ms <= 200, `100/s: p99 ${phase.p99Ms} ms, target <= 200 ms`);
      }
      const rssAfterMB = stack.bot!.rssMB();
      expect(missed, rssAfterMB - rssBeforeMB < 50, `RSS grew ${Math.round(rssAfterMB - rssBeforeMB)} MB, target < 50 MB`);
      return { figures: { distinctPastes: pastes.length, phases, rssBeforeMB, rssAfterMB, rssGrowthMB: Math.round((rssAfterMB - rssBeforeMB) * 10) / 10 }, missed };
    } finally {
      discord.onCall = null;
    }
  },
};

async function waitFor(test: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!test() && Date.now() < end) await sleep(50);
}

/** The bot's event-loop lag p99 since the last scrape, in ms (prom-client resets it on each). */
async function lagP99(stack: Stack): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${stack.botPort}/metrics`)).text();
  const v = /^nodejs_eventloop_lag_p99_seconds (\S+)/m.exec(text)?.[1];
  return v ? Math.round(Number(v) * 10000) / 10 : -1;
}
