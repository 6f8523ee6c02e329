import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, ROOT } from '../../test/helpers.js';
import { sleep, type Stack } from './stack.js';

/**
 * Our labelled pastes that Medic answers (it stays silent on the rest, and silence is no reply
 * to time): read from the fixtures, triaged once by `medic triage --jsonl`.
 */
function cliAnswered(stack: Stack): string[] {
  const dir = join(FIXTURES, 'pastes');
  const pastes = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((l) => (JSON.parse(l) as { paste: string }).paste);
  const input = pastes.map((paste, i) => JSON.stringify({ id: String(i), paste })).join('\n') + '\n';
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'medic.js'), 'triage', '--jsonl'], { env: stack.env(), input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`medic triage --jsonl failed: ${r.stderr}`);
  const answered = new Set(
    r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: string; abstain: boolean })
      .filter((x) => !x.abstain)
      .map((x) => Number(x.id)),
  );
  return pastes.filter((_, i) => answered.has(i));
}

let known: string[] | null = null;

/**
 * The pastes the bot answers when idle, found by sending each once, unhurried (it stays silent
 * on some that the CLI answers, as a channel bot should: a registered node's address, say,
 * names a system). Load and fault runs send only these, so silence there means a lost reply.
 */
export async function botAnsweredPastes(stack: Stack): Promise<string[]> {
  if (known) return known;
  const discord = stack.discord;
  const sent: Array<{ p: string; id: string }> = [];
  for (const [i, p] of cliAnswered(stack).entries()) {
    sent.push({ p, id: discord.sendMessage({ channel: 'troubleshooting', content: p, userId: `idle-${i}` }) });
    await sleep(1000 / 15);
  }
  const answered = () => new Set(discord.calls.flatMap((c) => (c.method === 'POST' ? [/^\/channels\/(\d+)\/messages$/.exec(c.path)?.[1]] : [])));
  for (let t = 0; t < 600; t++) {
    await sleep(100);
    const a = answered();
    if (sent.every((s) => a.has(s.id))) break;
    // Ten quiet seconds after the last answer: the rest are silent.
    if (t > 100 && discord.calls.at(-1)!.at < Date.now() - 10_000) break;
  }
  const a = answered();
  known = sent.filter((s) => a.has(s.id)).map((s) => s.p);
  return known;
}
