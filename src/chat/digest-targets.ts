import type { MedicConfig } from '../config.js';
import type { ReplyTarget } from '../queue/jobs.js';

/** Where the scheduled digest goes: the digest channel on each platform Medic serves. */
export function digestTargets(cfg: MedicConfig): ReplyTarget[] {
  const out: ReplyTarget[] = [];
  if (cfg.discord) out.push({ platform: 'discord', channelId: cfg.digest.channels.discord ?? cfg.chat.digestChannel, threadId: null });
  if (cfg.slack) out.push({ platform: 'slack', channelId: cfg.digest.channels.slack ?? cfg.chat.digestChannel, threadId: null });
  return out;
}
