import { expect, headOf, postsIn, type Scenario } from './scenario.js';
import { NODES, sleep, until, type Stack } from './stack.js';

const JOBS_PER_ROUND = 200;

/**
 * The bot is stopped while the outbox holds replies (Discord answers slowly, workers keep
 * adding): once given its grace period, once SIGKILLed 100 ms after SIGTERM. A new bot must
 * post every reply, none twice.
 */
export const botRestart: Scenario = {
  name: 'bot restart',
  async run(stack: Stack) {
    const discord = stack.discord;
    await stack.ensureWorker();
    discord.postDelayMs = 100;
    const rounds: Array<Record<string, unknown>> = [];
    const all: string[] = [];
    const replies = (t: string) => postsIn(discord.calls, t);
    try {
      for (const graceMs of [10_000, 100]) {
        const threads: string[] = [];
        for (let i = 0; i < JOBS_PER_ROUND; i++) {
          const threadId = discord.addThread();
          threads.push(threadId);
          await stack.producer.add('checks', 'run', { node: NODES[i % NODES.length], replyTo: { platform: 'discord', channelId: discord.channels.troubleshooting.id, threadId } });
        }
        all.push(...threads);
        await until(() => threads.filter((t) => replies(t).length).length >= JOBS_PER_ROUND / 4, 60_000, 20);
        const stopAt = Date.now();
        const ended = await stack.stop(stack.bot!, graceMs);
        const stopMs = Date.now() - stopAt;
        const postedBefore = threads.filter((t) => replies(t).length).length;
        await sleep(1500);
        const waiting = await stack.outboxWaiting();
        const restartAt = Date.now();
        await stack.startBot();
        await until(() => threads.every((t) => replies(t).length >= 1), 90_000, 100);
        rounds.push({ stop: graceMs > 1000 ? 'SIGTERM' : 'SIGTERM, SIGKILL after 100 ms', ended, stopMs, answeredBeforeStop: postedBefore, outboxWaitingAtRestart: waiting, drainedAfterRestartMs: Date.now() - restartAt });
      }
      await sleep(3000);
    } finally {
      discord.postDelayMs = 0;
    }
    const lost = all.filter((t) => replies(t).length === 0).length;
    const twice = all.filter((t) => new Set(replies(t).map(headOf)).size < replies(t).length).length;
    const out = { figures: { jobs: all.length, rounds, delivered: all.length - lost, lost, deliveredTwice: twice }, missed: [] as string[] };
    expect(out.missed, lost === 0, `replies lost ${lost}, target 0`);
    expect(out.missed, twice === 0, `delivered twice ${twice}, target 0`);
    return out;
  },
};
