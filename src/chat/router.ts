import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { MedicConfig } from '../config.js';
import type { RecordStore } from '../store/records.js';
import { registeredNodes, type TriageContext, type TriageEngine } from '../triage/engine.js';
import { displayTitle } from '../triage/answer.js';
import { COMMANDS, type CommandContext } from './commands/index.js';
import type { ChatUser, InboundMessage, Outcome } from './inbound.js';
import type { Messenger } from '../progress.js';
import type { Upload } from '../bundles/download.js';
import type { BundleRunner } from '../bundles/runner.js';
import type { EscalationRunner } from '../escalate/runner.js';
import type { DigestRunner } from '../digest/runner.js';
import type { LlmClient } from '../llm/client.js';
import { groundedAnswer, partialSummary } from '../llm/grounded.js';
import { Throttle } from '../progress.js';
import { keptPaste } from '../text/redact.js';
import { escalationJob } from '../escalate/job.js';
import type { ChatMetrics } from './metrics.js';
import type { CheckRunner } from '../checks/runner.js';
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
  /** People's earlier messages in the thread, oldest first: read only when a paste in a thread is triaged. */
  earlier?: () => Promise<string[]>;
}

const SEEN_TTL_SECONDS = 7 * 24 * 3600;
/** The picker's "None of these": no card id can take this value (ids hold a "#"). */
const NONE_FITS = 'none-of-these';
const BUNDLES_PER_TEN_MINUTES = 5;
/** How much of a thread's history triage reads: its latest messages, each cut short. */
const THREAD_MESSAGES = 20;
const THREAD_MESSAGE_CHARS = 4000;
const STREAM_EVERY_MS = 1200;

/**
 * The one command router behind every front door. It knows triage, feedback, permissions
 * and rate limits; it knows nothing about Discord or Slack. Every method returns an Outcome
 * and never throws for bad input.
 */
export class Router {
  constructor(
    private readonly cfg: MedicConfig,
    private readonly engine: TriageEngine,
    private readonly store: RecordStore,
    private readonly metrics: ChatMetrics,
    private readonly log: Logger,
    private readonly checks: CheckRunner,
    private readonly bundles: BundleRunner,
    private readonly escalations: EscalationRunner,
    private readonly digest: DigestRunner,
    private readonly llm: LlmClient | null = null,
  ) {}

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

  /** What the channel, the registered nodes and the thread so far say about a paste's system. */
  private async triageContext(origin: RequestOrigin): Promise<TriageContext> {
    const entry = this.channelEntry({ channelId: origin.channelId, channelName: origin.channelName ?? null });
    const system = entry && typeof entry !== 'string' ? { guide: entry.system, source: `channel #${entry.name.replace(/^#/, '')}` } : undefined;
    let earlier: string[] = [];
    if (origin.threadId && origin.earlier) {
      try {
        earlier = (await origin.earlier()).slice(-THREAD_MESSAGES).map((t) => t.slice(0, THREAD_MESSAGE_CHARS));
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
    if (command.permission && !allowed(this.cfg, command.permission, origin.platform, origin.user)) {
      return reply(notice('Not allowed', `Only ${whoMay(this.cfg, command.permission, origin.platform)} may use /${name}.`), true);
    }
    if (name === 'analyze') {
      // Bundles are heavy: a few per person in ten minutes.
      const n = await this.store.hit(`bundles:${origin.platform}:${origin.user.id}`, 600);
      if (n > BUNDLES_PER_TEN_MINUTES) return reply(notice('One bundle at a time', `I analyze up to ${BUNDLES_PER_TEN_MINUTES} bundles per person in ten minutes. Try again a little later.`), true);
    }
    const ctx: CommandContext = {
      cfg: this.cfg,
      store: this.store,
      checks: this.checks,
      bundles: this.bundles,
      files: extras.files ?? [],
      messenger: extras.messenger ?? null,
      ...origin,
      triage: (text) => this.triageRequest(origin, text, true),
      escalate: (text) => this.escalateText(origin, text),
      digest: async () => {
        const done = await this.digest.run({ platform: origin.platform, channelId: origin.channelId, threadId: origin.threadId });
        return done ? reply(done, false) : reply(notice('Building the digest', 'Checks are running; the digest will be posted here.'), true);
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
  async onAction(action: ActionId, answerId: string, origin: RequestOrigin, value?: string): Promise<Outcome> {
    const answer = await this.store.getAnswer(answerId);
    if (!answer) return reply(notice('That answer has expired', 'Paste the error again to get a fresh answer.'), true);
    const title = (id: string | null) => {
      const card = id ? this.engine.card(id) : undefined;
      return card ? displayTitle(card) : (id ?? 'this answer');
    };
    switch (action) {
      case 'fixed': {
        if (!answer.cardId) return reply(notice('Nothing to confirm', 'This answer named no guide section.'), true);
        await this.store.addFeedback(answer.fingerprint, 'fixed', answer.cardId);
        this.metrics.feedback.inc({ kind: 'fixed' });
        return reply(notice('Thanks, noted', `Recorded that "${title(answer.cardId)}" fixed it. The same error will get this answer first.`), true);
      }
      case 'not-it': {
        if (answer.cardId) await this.store.addFeedback(answer.fingerprint, 'notIt', answer.cardId);
        this.metrics.feedback.inc({ kind: 'not-it' });
        return reply(this.alternativesReply(answer.alternatives, 'Thanks, noted. Which one was it?'), true, answerId);
      }
      case 'show-more':
        return reply(this.alternativesReply(answer.alternatives, 'Other sections that could fit'), true, answerId);
      case 'pick': {
        if (value === NONE_FITS) {
          await this.store.addFeedback(answer.fingerprint, 'noneFits', answer.cardId ?? '');
          this.metrics.feedback.inc({ kind: 'none-fits' });
          return reply(notice('Thanks, noted', 'Recorded that no section of the guides fits this error. Medic will not answer it until someone picks a section; Escalate it if it needs a fix.'), true);
        }
        if (!value || !answer.alternatives.includes(value)) return reply(notice('Unknown choice', 'Pick one of the listed sections.'), true);
        await this.store.addFeedback(answer.fingerprint, 'picked', value);
        this.metrics.feedback.inc({ kind: 'picked' });
        const picked = this.engine.answerFor(value, answer.fingerprint);
        if (!picked) return reply(notice('That section is gone', 'The guides changed since this answer.'), true);
        picked.notes.push(`Recorded: for this error, "${title(value)}" is the right section.`);
        // The paste stays with the answer, so Escalate on the picked one still has it.
        const id = await this.saveAnswer(origin, answer.fingerprint, value, [], { ...(answer.paste ? { paste: answer.paste } : {}), system: this.engine.card(value)?.guide ?? answer.system ?? null });
        return reply(picked, false, id);
      }
      case 'run-checks': {
        if (!allowed(this.cfg, 'check', origin.platform, origin.user)) {
          return reply(notice('Not allowed', `Only ${whoMay(this.cfg, 'check', origin.platform)} may run checks.`), true);
        }
        if (!answer.cardId) return reply(notice('Nothing to check', 'This answer named no guide section.'), true);
        const { nodes } = this.checks.suggestionsFor(answer.cardId);
        if (!value) {
          if (!nodes.length) return reply(notice('No node to check', 'No registered node of this system can run these checks.'), true);
          return reply({ ...notice('Run the suggested checks on which node?', `The checks come from "${title(answer.cardId)}".`), choices: { id: 'run-checks', placeholder: 'Pick a node', options: nodes.map((n) => ({ label: n.name, value: n.name, description: `${n.system} ${n.host}`.slice(0, 100) })) } }, true, answerId);
        }
        // The node must be one offered for this card: a chat user picks, never names a host.
        if (!nodes.some((n) => n.name === value)) return reply(notice('Unknown node', 'Pick one of the listed nodes.'), true);
        const target = { platform: origin.platform, channelId: origin.channelId, threadId: origin.threadId };
        const result = await this.checks.run({ node: value, card: answer.cardId, replyTo: target });
        return result ? reply(result, false) : reply(notice(`Running the suggested checks on ${value}`, 'The results will be posted in this thread.'), true);
      }
      case 'escalate': {
        if (!allowed(this.cfg, 'escalate', origin.platform, origin.user)) {
          return reply(notice('Not allowed', `Only ${whoMay(this.cfg, 'escalate', origin.platform)} may escalate.`), true);
        }
        if (!answer.paste) return reply(notice('Nothing to escalate', 'This answer does not carry its paste; use /escalate with the error text.'), true);
        const fb = await this.store.getFeedback(answer.fingerprint);
        const target = { platform: origin.platform, channelId: answer.channelId, threadId: origin.threadId ?? answer.threadId };
        const card = answer.cardId ? this.engine.card(answer.cardId) : undefined;
        const done = await this.escalations.run(
          escalationJob({
            fingerprint: answer.fingerprint,
            paste: answer.paste,
            system: answer.system ?? null,
            card,
            confidence: answer.confidence ?? 0,
            tried: [...(fb?.notIt ?? []), ...(fb?.picked ?? [])],
            thread: { ...target, link: origin.link ?? null },
            replyTo: target,
            findings: answer.findings ?? [],
          }),
        );
        return done ? reply(done, false) : reply(notice('Escalating', 'The issue link will be posted in this thread.'), true);
      }
      default:
        return reply(notice('Unknown action', `Medic has no "${action}" button.`), true);
    }
  }

  /** `/escalate TEXT`: triage the text, then escalate it with what triage found. */
  private async escalateText(origin: RequestOrigin, text: string): Promise<Outcome> {
    const r = await this.engine.triage(text, { top: 1, context: await this.triageContext(origin) });
    const card = !r.abstain && r.matches[0] ? this.engine.card(r.matches[0].id) : undefined;
    const target = { platform: origin.platform, channelId: origin.channelId, threadId: origin.threadId };
    const done = await this.escalations.run(escalationJob({ fingerprint: r.fingerprint, paste: text, system: r.system, card, confidence: r.confidence, thread: { ...target, link: origin.link ?? null }, replyTo: target }));
    return done ? reply(done, false) : reply(notice('Escalating', 'The issue link will be posted here.'), true);
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
    if (cardId && this.checks.suggestionsFor(cardId).nodes.length) {
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

function silent(reason: string): Outcome {
  return { kind: 'silent', reason };
}

function reply(r: Reply, ephemeral: boolean, answerId?: string): Outcome {
  return { kind: 'reply', reply: r, ephemeral, ...(answerId ? { answerId } : {}) };
}

/** Drops mention markup (`<@123>`, `<@!123>`, `<@U123>`) so it does not reach triage. */
export function stripMentions(text: string): string {
  return text.replace(/<@[!&]?[A-Z0-9]+>/gi, ' ').trim();
}
