import { Command } from 'commander';
import type { Scenario } from './soak/scenario.js';
import { Stack } from './soak/stack.js';
import { workerKill } from './soak/worker-kill.js';
import { botRestart } from './soak/bot-restart.js';
import { chatLoad } from './soak/chat-load.js';
import { redisRestart } from './soak/redis-restart.js';
import { hostile } from './soak/hostile.js';
import { canaries } from './soak/canaries.js';
import { ssrf } from './soak/ssrf.js';
import { slackSignatures } from './soak/slack-signatures.js';

/** No scenario may take longer: the whole run stays within ten minutes. */
const SCENARIO_LIMIT_S = 180;

/**
 * `npm run soak`: faults and load against real `medic serve` and `medic worker` processes, a
 * private Redis and local fakes. Prints one JSON object: figures and a verdict per scenario.
 */
async function main(): Promise<void> {
  const o = new Command('soak')
    .option('--only <names>', 'comma-separated scenario keys')
    .option('--seed <n>', 'seed for the random fault points', String(Date.now() % 100000))
    .parse()
    .opts<{ only?: string; seed: string }>();
  const seed = Number(o.seed);
  const all: Record<string, Scenario> = {
    workerKill: workerKill(seed),
    botRestart,
    redisRestart,
    chatLoad,
    hostile,
    canaries,
    ssrf,
    slackSignatures,
  };
  const keys = o.only ? o.only.split(',') : Object.keys(all);
  const unknown = keys.filter((k) => !all[k]);
  if (unknown.length) throw new Error(`no scenario ${unknown.join(', ')}; there are ${Object.keys(all).join(', ')}`);
  const started = Date.now();
  const stack = new Stack();
  const scenarios: Record<string, unknown> = {};
  try {
    await stack.start();
    await stack.startBot();
    for (const k of keys) {
      const s = all[k]!;
      const t = Date.now();
      process.stderr.write(`soak: ${s.name}\n`);
      try {
        let timer: NodeJS.Timeout | undefined;
        const r = await Promise.race([
          s.run(stack),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`did not finish in ${SCENARIO_LIMIT_S} s`)), SCENARIO_LIMIT_S * 1000))),
        ]).finally(() => clearTimeout(timer));
        scenarios[k] = { verdict: r.missed.length ? 'fail' : 'pass', ...(r.missed.length ? { missed: r.missed } : {}), seconds: Math.round((Date.now() - t) / 100) / 10, ...r.figures };
      } catch (err) {
        scenarios[k] = { verdict: 'error', error: (err as Error).message.slice(0, 2000), seconds: Math.round((Date.now() - t) / 100) / 10 };
      }
      process.stderr.write(`soak: ${s.name}: ${(scenarios[k] as { verdict: string }).verdict}\n`);
    }
  } finally {
    if (process.env.SOAK_DEBUG) process.stderr.write(stack.output.join('').split('\n').filter((l) => /"level":(40|50|60)/.test(l) && !/ECONNREFUSED/.test(l)).slice(0, 40).join('\n') + '\n');
    await stack.close();
  }
  const verdicts = Object.values(scenarios).map((s) => (s as { verdict: string }).verdict);
  const result = { seed, seconds: Math.round((Date.now() - started) / 1000), verdict: verdicts.every((v) => v === 'pass') ? 'pass' : 'fail', scenarios };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  process.exitCode = result.verdict === 'pass' ? 0 : 1;
}

await main();
