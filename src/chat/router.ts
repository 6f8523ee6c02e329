import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { MedicConfig, Permission } from '../config.js';
import type { RecordStore } from '../store/records.js';
import { registeredNodes, type TriageContext, type TriageEngine } from '../triage/engine.js';
import { displayTitle } from '../triage/answer.js';
import { COMMANDS, type CommandContext } from './commands/index.js';
import { type ChatUser, type Form, type InboundMessage, type Outcome, reply, silent, type ThreadHistory } from './inbound.js';
import { newNote } from '../triage/team-notes.js';
import type { Messenger } from '../progress.js';
import type { Upload } from '../bundles/download.js';
import type { BundleIntake } from '../bundles/intake.js';
import type { AlertDesk } from '../alerts/desk.js';
import type { Dispatcher } from '../jobs/dispatcher.js';
import { checkSuggestions } from '../checks/job-specs.js';
import type { LlmClient } from '../llm/client.js';
import { groundedAnswer, partialSummary } from '../llm/grounded.js';
import { Throttle } from '../progress.js';
import { keptPaste } from '../text/redact.js';
import { escalationJob } from '../escalate/job.js';
import { ACTIONS, NONE_FITS } from './actions/index.js';
import type { ChatMetrics } from './metrics.js';
import { looksLikePaste } from './paste.js';
import { allowed, whoMay } from './permissions.js';
import { type ActionId, notice, type Reply } from '../reply/reply.js';

/** Where a request came from, for commands and button presses. */
export interface RequestOrigin {
  platform: InboundMessage['platform'];
  user: ChatUser;
  channelId: string;
  threadId: string | null;
  /** The channel's name, when the platform says it (a channel tied to a system is found by name). */
  channelName?: string;
  /** A URL of the conversation, when the platform has one (for escalated issues). */
  link?: string;
  /** People's earlier messages in the thread, oldest first: read when a paste in a thread is triaged, or a fix saved. */
  earlier?: () => Promise<ThreadHistory>;
}

const SEEN_TTL_SECONDS = 7 * 24 * 3600;
/** How much of a thread's history triage reads: its latest messages, each cut short. */
const THREAD_MESSAGES = 20;
const THREAD_MESSAGE_CHARS = 4000;
const STREAM_EVERY_MS = 1200;

/** What the router and its commands and actions work with. */
export interface RouterServices {
  cfg: MedicConfig;
  engine: TriageEngine;
  store: RecordStore;
  metrics: ChatMetrics;
  log: Logger;
  /** Every job: onto its queue, or run here. */
  jobs: Dispatcher;
  bundles: BundleIntake;
  llm: LlmClient | null;
  /** Alert threads: their buttons silence a group or run its checks again. */
  alerts: AlertDesk;
}

/**
 * The one command router behind every front door. It knows triage, feedback, permissions
 * and rate limits; it knows nothing about Discord or Slack. Every method returns an Outcome
 * and never throws for bad input.
 */
export class Router {
  private readonly cfg: MedicConfig;
  private readonly engine: TriageEngine;
  private readonly store: RecordStore;
  private readonly metrics: ChatMetrics;
  private readonly log: Logger;
  private readonly jobs: Dispatcher;
  private readonly bundles: BundleIntake;
  private readonly llm: LlmClient | null;

  constructor(private readonly svc: RouterServices) {
    ({ cfg: this.cfg, engine: this.engine, store: this.store, metrics: this.metrics, log: this.log, jobs: this.jobs, bundles: this.bundles, llm: this.llm } = svc);
  }

  isTriageChannel(m: Pick<InboundMessage, 'platform' | 'channelId' | 'channelName'>): boolean {
    if (m.platform === 'console') return true;
    return this.channelEntry(m) !== undefined;
  }

  private channelEntry(m: Pick<InboundMessage, 'channelId' | 'channelName'>): MedicConfig['chat']['channels'][number] | undefined {
    return this.cfg.chat.channels.find((entry) => {
      const c = typeof entry === 'string' ? entry : entry.name;
      return c === m.channelId || c === m.channelName || `#${m.channelName}` === c;
    });
  }

  /**
   * What the channel, the registered nodes and the thread so far say about a paste's system.
   * Asked before every triage, it also brings in team notes saved since the last one.
   */
  private async triageContext(origin: RequestOrigin): Promise<TriageContext> {
    try {
      await this.engine.syncNotes(this.store);
    } catch (err) {
      // The guides still answer.
      this.log.warn({ err }, 'cannot read the team notes; answering from the guides');
    }
    const entry = this.channelEntry({ channelId: origin.channelId, channelName: origin.channelName ?? null });
    const system = entry && typeof entry !== 'string' ? { guide: entry.system, source: `channel #${entry.name.replace(/^#/, '')}` } : undefined;
    let earlier: string[] = [];
    if (origin.threadId && origin.earlier) {
      try {
        earlier = (await origin.earlier()).messages.slice(-THREAD_MESSAGES).map((m) => m.text.slice(0, THREAD_MESSAGE_CHARS));
      } catch (err) {
        // The paste alone still gets an answer.
        this.log.warn({ err }, 'cannot read the thread history; triaging the paste alone');
      }
    }
    return { ...(system ? { system } : {}), nodes: registeredNodes(this.cfg), ...(earlier.length ? { earlier } : {}) };
  }

  /** A message in a channel: answer error pastes in triage channels, and any mention; a mention with a file analyzes it. */
  async onMessage(m: InboundMessage, messenger: Messenger | null = null): Promise<Outcome> {
    if (m.isBot) return silent('from a bot');
    if (!m.mentioned && (!this.isTriageChannel(m) || m.threadId)) return silent('not a triage channel');
    if (!(await this.store.claim(`${m.platform}:${m.channelId}:${m.messageId}`, SEEN_TTL_SECONDS))) return silent('already answered');
    const text = stripMentions(m.text);
    const origin: RequestOrigin = {
      platform: m.platform,
      user: m.user,
      channelId: m.channelId,
      threadId: m.threadId,
      ...(m.channelName ? { channelName: m.channelName } : {}),
      ...(m.link ? { link: m.link } : {}),
      ...(m.earlier ? { earlier: m.earlier } : {}),
    };
    if (m.mentioned && m.files?.length) return this.onCommand('analyze', {}, origin, { files: m.files, messenger });
    if (m.mentioned) {
      if (!text.trim()) return reply(notice('Paste an error and I will look it up', 'Mention me with the error text, or use /triage.'), true);
      return this.triageRequest(origin, text, true, messenger);
    }
    if (!looksLikePaste(text)) return silent('chatter');
    return this.triageRequest(origin, text, false, messenger);
  }

  async onCommand(name: string, args: Record<string, string>, origin: RequestOrigin, extras: { files?: Upload[]; messenger?: Messenger | null } = {}): Promise<Outcome> {
    const command = COMMANDS.get(name);
    if (!command) return reply(notice(`Unknown command "${name}"`, `Commands: ${[...COMMANDS.keys()].join(', ')}.`), true);
    const refused = this.refusal(command.permission, `use /${name}`, origin);
    if (refused) return refused;
    if (command.rateLimit) {
      const { max, windowSeconds } = command.rateLimit;
      const n = await this.store.hit(`${name}:${origin.platform}:${origin.user.id}`, windowSeconds);
      if (n > max) return reply(notice('Slow down a little', `I take up to ${max} /${name} requests per person in ${Math.round(windowSeconds / 60)} minutes. Try again a little later.`), true);
    }
    const ctx: CommandContext = {
      cfg: this.cfg,
      store: this.store,
      jobs: this.jobs,
      bundles: this.bundles,
      files: extras.files ?? [],
      messenger: extras.messenger ?? null,
      ...origin,
      triage: (text) => this.triageRequest(origin, text, true),
      escalate: (text) => this.escalateText(origin, text),
      digest: async () => {
        const done = await this.jobs.run('digest', { replyTo: { platform: origin.platform, channelId: origin.channelId, threadId: origin.threadId } });
        return done?.reply ? reply(done.reply, false) : reply(notice('Building the digest', 'Checks are running; the digest will be posted here.'), true);
      },
    };
    try {
      return await command.run(ctx, args);
    } catch (err) {
      this.log.error({ err, command: name }, 'command failed');
      return reply(notice('Something went wrong', `/${name} failed; the error is logged.`), true);
    }
  }

  /** A button or menu on an earlier answer. */
  async onAction(id: ActionId, answerId: string, origin: RequestOrigin, value?: string): Promise<Outcome> {
    const action = ACTIONS.get(id);
    if (!action) return reply(notice('Unknown action', `Medic has no "${id}" button.`), true);
    const answer = await this.store.getAnswer(answerId);
    if (!answer) return reply(notice('That answer has expired', 'Paste the error again to get a fresh answer.'), true);
    const refused = this.refusal(action.permission?.name, action.permission?.doing ?? '', origin);
    if (refused) return refused;
    return action.run(
      {
        svc: this.svc,
        origin,
        answerId,
        answer,
        title: (cardId) => {
          const card = cardId ? this.engine.card(cardId) : undefined;
          return card ? displayTitle(card) : (cardId ?? 'this answer');
        },
        alternatives: (summary) => this.alternativesReply(answer.alternatives, summary),
        saveAnswer: (cardId, extra) => this.saveAnswer(origin, answer.fingerprint, cardId, [], extra),
      },
      value,
    );
  }

  /** A form filled in: "Save this fix" keeps the fix as a team note, redacted, answered from at once. */
  async onForm(id: Form['id'], answerId: string, values: Record<string, string>, origin: RequestOrigin): Promise<Outcome> {
    const permission = ACTIONS.get(id)?.permission;
    const refused = this.refusal(permission?.name, permission?.doing ?? '', origin);
    if (refused) return refused;
    const answer = await this.store.getAnswer(answerId);
    if (!answer?.paste) return reply(notice('That answer has expired', 'Paste the error again, then save the fix on the new answer.'), true);
    const title = values.title?.trim() ?? '';
    const fix = values.fix?.trim() ?? '';
    if (!title || !fix) return reply(notice('A note needs a title and a fix', 'Press "Save this fix" again and fill in both.'), true);
    const note = newNote({ title, fix, paste: answer.paste, system: answer.system ?? null, link: origin.link ?? null, savedBy: origin.user.name ?? origin.user.id });
    await this.store.saveNote(note);
    await this.engine.syncNotes(this.store, { force: true });
    return reply(notice(`Saved as a team note: ${note.title}`, `When this error is pasted again, Medic answers with this fix and links this thread. Note ${note.id} (\`medic notes show ${note.id}\`).`), false);
  }

  /** The one permission guard, for commands and buttons alike: a polite refusal, or null. */
  private refusal(permission: Permission | undefined, doing: string, origin: RequestOrigin): Outcome | null {
    if (!permission || allowed(this.cfg, permission, origin.platform, origin.user)) return null;
    return reply(notice('Not allowed', `Only ${whoMay(this.cfg, permission, origin.platform)} may ${doing}.`), true);
  }

  /** `/escalate TEXT`: triage the text, then escalate it with what triage found. */
  private async escalateText(origin: RequestOrigin, text: string): Promise<Outcome> {
    const r = await this.engine.triage(text, { top: 1, context: await this.triageContext(origin) });
    const card = !r.abstain && r.matches[0] ? this.engine.card(r.matches[0].id) : undefined;
    const target = { platform: origin.platform, channelId: origin.channelId, threadId: origin.threadId };
    const done = await this.jobs.run('escalations', escalationJob({ fingerprint: r.fingerprint, paste: text, system: r.system, card, confidence: r.confidence, thread: { ...target, link: origin.link ?? null }, replyTo: target }));
    return done?.reply ? reply(done.reply, false) : reply(notice('Escalating', 'The issue link will be posted here.'), true);
  }

  private alternativesReply(alternatives: string[], summary: string): Reply {
    const options = alternatives
      .map((id) => this.engine.card(id))
      .filter((c): c is NonNullable<typeof c> => Boolean(c))
      .map((c) => ({ label: displayTitle(c).slice(0, 100), value: c.id, description: `${c.guide}: ${c.path.slice(0, -1).join(' > ')}`.slice(0, 100) }));
    if (!options.length) return notice('No other section fits', 'None of the guides has another section with real evidence for this error. Escalate it, or describe it differently.');
    options.push({ label: 'None of these', value: NONE_FITS, description: 'No section of the guides fits this error' });
    return { ...notice('Which section was it?', summary), choices: { id: 'pick', placeholder: 'Pick the section that fits', options } };
  }

  private async triageRequest(origin: RequestOrigin, text: string, requested: boolean, messenger: Messenger | null = null): Promise<Outcome> {
    const limit = this.cfg.chat.rateLimit.perUserPerMinute;
    const n = await this.store.hit(`triage:${origin.platform}:${origin.user.id}`, 60);
    if (n > limit) {
      this.metrics.triage.inc({ platform: origin.platform, outcome: 'rate-limited' });
      // Say it once per window; after that, stay quiet rather than flood the channel.
      return n === limit + 1 ? reply(notice('Slow down a little', `I answer up to ${limit} pastes a minute per person. Try again in a minute.`), true) : silent('rate limited');
    }
    const stop = this.metrics.latency.startTimer();
    let r;
    try {
      r = await this.engine.triage(text, { top: 5, feedbackFor: (fp) => this.store.getFeedback(fp), context: await this.triageContext(origin) });
    } catch (err) {
      this.log.error({ err }, 'triage failed');
      return requested ? reply(notice('Something went wrong', 'Triage failed; the error is logged.'), true) : silent('triage failed');
    } finally {
      stop();
    }
    this.metrics.triage.inc({ platform: origin.platform, outcome: r.abstain ? 'abstain' : 'answer' });
    if (r.abstain && !requested) return silent('abstained');
    let streamed: string | null = null;
    if (this.llm && !r.abstain) {
      // The model writes the answer from the retrieved sections, or the extractive one stands.
      // Where the platform can edit, the answer streams into one message, throttled.
      let show: Throttle<string> | null = null;
      if (messenger) {
        const title = r.reply.title;
        streamed = await messenger.post(notice(title, 'Writing an answer from the guide...'));
        const id = streamed;
        if (id) show = new Throttle<string>(STREAM_EVERY_MS, (partial) => messenger.edit(id, notice(title, `${partial}...`)), (err) => this.log.warn({ err }, 'streaming edit failed'));
      }
      const g = await groundedAnswer(this.llm, this.engine, text, r, show ? { onText: (t) => { const s = partialSummary(t); if (s) show!.push(s); } } : {});
      await show?.settle();
      this.metrics.llm.inc({ outcome: g.failure ?? 'ok' });
      r = { ...r, reply: g.reply };
    }
    const cardId = r.abstain ? null : (r.matches[0]?.id ?? null);
    const alternatives = r.matches.filter((m) => m.id !== cardId).slice(0, 4).map((m) => m.id);
    const id = await this.saveAnswer(origin, r.fingerprint, cardId, alternatives, { paste: keptPaste(text), system: r.system, confidence: r.confidence });
    if (cardId && checkSuggestions(this.cfg, cardId, (id) => this.engine.card(id)).nodes.length) {
      r.reply.actions.splice(2, 0, { id: 'run-checks', label: 'Run suggested checks', value: cardId });
    }
    if (streamed && messenger) {
      // The streamed message becomes the final answer, with its citations and buttons.
      await messenger.edit(streamed, r.reply, id);
      return silent('streamed');
    }
    return reply(r.reply, false, id);
  }

  private async saveAnswer(origin: RequestOrigin, fp: string, cardId: string | null, alternatives: string[], extra: { paste?: string; system?: string | null; confidence?: number } = {}): Promise<string> {
    const id = randomBytes(6).toString('base64url');
    await this.store.saveAnswer({
      ...extra,
      id,
      fingerprint: fp,
      cardId,
      alternatives,
      platform: origin.platform,
      channelId: origin.channelId,
      threadId: origin.threadId,
      userId: origin.user.id,
      createdAt: new Date().toISOString(),
    });
    return id;
  }
}


/** Drops mention markup (`<@123>`, `<@!123>`, `<@U123>`) so it does not reach triage. */
export function stripMentions(text: string): string {
  return text.replace(/<@[!&]?[A-Z0-9]+>/gi, ' ').trim();
}
