import { botAnsweredPastes } from './pastes.js';
import { expect, note, type Scenario } from './scenario.js';
import { NODES, sleep, until, type Stack } from './stack.js';

const DOWN_MS = 5000;

/**
 * Redis (append-only file) is stopped for 5 s and started again while pastes and check jobs
 * flow. Bot and worker must come back on their own, answer everything, and neither may exit.
 */
export const redisRestart: Scenario = {
  name: 'Redis restart',
  async run(stack: Stack) {
    const discord = stack.discord;
    const bot = stack.bot!;
    const worker = await stack.ensureWorker();
    const pastes = (await botAnsweredPastes(stack)).slice(0, 60);
    const sent = new Map<string, number>();
    const replied = new Map<string, number>();
    const jobThreads: string[] = [];
    discord.onCall = (c) => {
      const m = /^\/channels\/(\d+)\/messages$/.exec(c.path);
      if (c.method === 'POST' && m && !replied.has(m[1]!)) replied.set(m[1]!, c.at);
    };
    let flowing = true;
    let n = 0;
    let enqueueErrors = 0;
    // Pastes at 5 a second and a check job at 5 a second, all through the fault.
    const flow = (async () => {
      while (flowing) {
        const id = discord.sendMessage({ channel: 'troubleshooting', content: pastes[n % pastes.length]!, userId: `redis-${n++}` });
        sent.set(id, Date.now());
        const threadId = discord.addThread();
        jobThreads.push(threadId);
        // The soak's own client queues commands while Redis is down, as Medic's do.
        void stack.producer.add('checks', 'run', { node: NODES[n % NODES.length], replyTo: { platform: 'discord', channelId: discord.channels.troubleshooting.id, threadId } }).catch(() => enqueueErrors++);
        await sleep(200);
      }
    })();
    try {
      await sleep(3000);
      const downAt = Date.now();
      await stack.redis.down();
      note(`Redis down at +${Date.now() - downAt} ms`);
      await sleep(DOWN_MS);
      await stack.redis.up();
      const upAt = Date.now();
      note('Redis up again');
      await sleep(5000);
      flowing = false;
      await flow;
      const all = [...sent.keys(), ...jobThreads];
      await until(() => all.every((id) => replied.has(id)), 60_000, 100);
      // Bot: the first answer to a paste sent after Redis was back. Worker: its first check run after.
      const after = [...sent].filter(([, t]) => t >= upAt).flatMap(([id]) => (replied.has(id) ? [replied.get(id)! - upAt] : []));
      const firstPaste = after.length ? Math.min(...after) : -1;
      const firstHit = stack.checkHits.find((t) => t >= upAt);
      const firstJob = firstHit === undefined ? -1 : firstHit - upAt;
      const pasteLost = [...sent.keys()].filter((id) => !replied.has(id)).length;
      if (process.env.SOAK_DEBUG) note(`unanswered pastes sent at (ms after down): ${[...sent].filter(([id]) => !replied.has(id)).map(([, t]) => t - downAt).join(' ')}; up at ${upAt - downAt}`);
      const jobsLost = jobThreads.filter((id) => !replied.has(id)).length;
      const exits = [bot, worker].filter((p) => p.child.exitCode !== null || p.child.signalCode !== null).length;
      const figures = {
        downMs: DOWN_MS,
        pastes: sent.size,
        checkJobs: jobThreads.length,
        botReconnectMs: firstPaste,
        workerReconnectMs: firstJob,
        pastesUnanswered: pasteLost,
        jobsUnanswered: jobsLost,
        enqueueErrors,
        processExits: exits,
      };
      const missed: string[] = [];
      expect(missed, pasteLost + jobsLost === 0, `replies lost ${pasteLost + jobsLost}, target 0`);
      expect(missed, exits === 0, `process exits ${exits}, target 0`);
      expect(missed, firstPaste >= 0 && firstPaste <= 5000, `bot reconnect ${firstPaste} ms, target <= 5000`);
      expect(missed, firstJob >= 0 && firstJob <= 5000, `worker reconnect ${firstJob} ms, target <= 5000`);
      return { figures, missed };
    } finally {
      flowing = false;
      discord.onCall = null;
    }
  },
};
