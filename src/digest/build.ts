import type { MedicConfig } from '../config.js';
import type { Reply } from '../reply/reply.js';
import type { CheckResult } from '../checks/run.js';
import type { RecordStore } from '../store/records.js';
import { displayTitle } from '../triage/answer.js';
import type { TriageEngine } from '../triage/engine.js';
import { renderTimeline } from './chart.js';
import { collectDigest, type DigestData, type DigestDeps } from './collect.js';
import { digestNarrationInput, digestParagraph, digestReply } from './render.js';
import type { LlmClient } from '../llm/client.js';
import { narrate } from '../llm/narrate.js';

/** What the digest needs from the engine: titles, and the fix for a failing check. */
export function digestDeps(cfg: MedicConfig, store: RecordStore, engine: TriageEngine): DigestDeps {
  return {
    cfg,
    store,
    title: (id) => {
      const c = engine.card(id);
      return c ? displayTitle(c) : null;
    },
    fixFor: async (system, text) => {
      const r = await engine.triage(`${system}\n${text}`, { top: 1 });
      const m = r.matches[0];
      return !r.abstain && m && m.guide === system ? { cardId: m.id, title: displayTitle(engine.card(m.id)!) } : null;
    },
  };
}

export async function buildDigest(deps: DigestDeps, results: CheckResult[], now = new Date(), llm: LlmClient | null = null): Promise<{ data: DigestData; png: Buffer; reply: Reply; today: string }> {
  const data = await collectDigest(deps, results, now);
  const png = renderTimeline(data.timeline, `Checks, last 24 h (to ${data.at.slice(0, 16).replace('T', ' ')} UTC)`);
  const today = await narrate(llm, 'digest', digestNarrationInput(data), { paragraph: digestParagraph(data) });
  return { data, png, reply: digestReply(data, png, today), today: today.fields.paragraph! };
}
