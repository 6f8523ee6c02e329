import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { makeBundles } from '../../test/fixtures/bundles.js';
import { expect, headOf, postsIn, random, type Scenario } from './scenario.js';
import { NODES, sleep, until, type Stack } from './stack.js';

const CHECK_JOBS = 500;
const KILLS = 3;

/**
 * 500 check jobs and 5 bundles in flight; the worker is SIGKILLed at a random point and another
 * started, three times over. Every job must answer its thread exactly once.
 */
export function workerKill(seed: number): Scenario {
  return {
    name: 'worker SIGKILL',
    async run(stack: Stack) {
      const rand = random(seed);
      const discord = stack.discord;
      let worker = await stack.startWorker();
      const threads: string[] = [];
      const started = Date.now();
      for (let i = 0; i < CHECK_JOBS; i++) {
        const threadId = discord.addThread();
        threads.push(threadId);
        await stack.producer.add('checks', 'run', { node: NODES[i % NODES.length], replyTo: { platform: 'discord', channelId: discord.channels.troubleshooting.id, threadId } });
      }
      // Bundles come the way people send them: an upload that mentions the bot.
      const bundles = Object.values(await makeBundles(join(stack.dir, 'bundles')));
      const bundleThreads = bundles.map((p) => discord.sendMessage({ channel: 'troubleshooting', content: 'bundle from the soak', mentionBot: true, userId: `bundle-${basename(p)}`, attachments: [{ filename: basename(p), data: readFileSync(p) }] }));
      const kills: number[] = [];
      for (let k = 0; k < KILLS; k++) {
        await sleep(300 + rand() * 1500);
        kills.push(Date.now() - started);
        worker.child.kill('SIGKILL');
        await worker.exited();
        worker = await stack.startWorker();
      }
      const replies = (t: string) => postsIn(discord.calls, t).filter((c) => !headOf(c).startsWith('**Analyzing '));
      const all = [...threads, ...bundleThreads];
      await until(() => all.every((t) => replies(t).length >= 1), 150_000, 200);
      const allMs = Date.now() - started;
      // Late duplicates would come from a retry after the lock: wait one lock more.
      await sleep(3000);
      const lost = all.filter((t) => replies(t).length === 0).length;
      // A long report takes several messages; the same message twice is a reply posted twice.
      const twice = all.filter((t) => repeats(replies(t).map(headOf))).length;
      const out = {
        figures: {
          checkJobs: CHECK_JOBS,
          bundleJobs: bundles.length,
          kills: kills.length,
          killedAtMs: kills,
          completed: all.length - lost,
          lost,
          doneTwice: twice,
          allAnsweredMs: allMs,
        },
        missed: [] as string[],
      };
      expect(out.missed, lost === 0, `lost ${lost}, target 0`);
      expect(out.missed, twice === 0, `answered twice ${twice}, target 0`);
      return out;
    },
  };
}

function repeats(heads: string[]): boolean {
  return new Set(heads).size < heads.length;
}
