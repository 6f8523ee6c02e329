import type { IncomingMessage, ServerResponse } from 'node:http';
import bolt from '@slack/bolt';
import { attachmentBytes, isActionId, type Reply } from '../../reply/reply.js';
import { COMMANDS, MESSAGE_ACTION } from '../commands/index.js';
import type { InboundMessage, Outcome, ThreadHistory } from '../inbound.js';
import type { Messenger } from '../../progress.js';
import { fetchFromHost, type Upload } from '../../bundles/download.js';
import { formCallbackId, renderSlack, renderSlackModal } from '../render/slack.js';
import { z } from 'zod';
import type { RequestOrigin } from '../router.js';
import type { Services } from '../../app.js';
import type { DeliveryOnce } from '../../queue/outbox.js';

/** What a form's modal carries back: the answer and the thread it was opened from. */
const FormMetadata = z.object({ answerId: z.string().min(1), channelId: z.string().min(1), threadTs: z.string().nullable() });

const { App, HTTPReceiver, LogLevel } = bolt;

export interface SlackOptions {
  botToken: string;
  signingSecret?: string;
  /** With an app-level token, Slack runs in Socket Mode; otherwise over HTTP at /slack/events. */
  appToken?: string;
  apiUrl?: string;
}


type WebClient = InstanceType<typeof App>['client'];

/** Slack's own file host: shared files are downloaded from nowhere else. */
const SLACK_FILE_HOSTS = ['files.slack.com'];

/** The metadata type on Medic's outbox replies: its payload is the reply's key. */
const REPLY_EVENT = 'medic_reply';

/**
 * The Slack front door (@slack/bolt): answers pastes with `thread_ts`, one `/medic <verb>`
 * slash command, the "Triage with Medic" message shortcut, buttons and menus.
 */
export class SlackFrontDoor {
  readonly app: InstanceType<typeof App>;
  private readonly receiver: InstanceType<typeof HTTPReceiver> | null;
  private botUserId: string | null = null;
  private teamUrl: string | null = null;
  private readonly channelNames = new Map<string, string | null>();
  private readonly groupMembers = new Map<string, { at: number; users: Set<string> }>();

  constructor(
    private readonly svc: Services,
    private readonly opts: SlackOptions,
  ) {
    const clientOptions = opts.apiUrl ? { slackApiUrl: opts.apiUrl.endsWith('/') ? opts.apiUrl : `${opts.apiUrl}/` } : {};
    if (opts.appToken) {
      this.receiver = null;
      // Socket Mode opens its connection with its own client: it needs the API base too.
      this.app = new App({ token: opts.botToken, appToken: opts.appToken, socketMode: true, clientOptions, installerOptions: { clientOptions }, logLevel: LogLevel.WARN });
    } else {
      this.receiver = new HTTPReceiver({ signingSecret: opts.signingSecret ?? '', endpoints: '/slack/events', logLevel: LogLevel.WARN });
      this.app = new App({ token: opts.botToken, receiver: this.receiver, clientOptions, logLevel: LogLevel.WARN });
    }
    this.app.error(async (err) => this.svc.log.error({ err }, 'slack handler failed'));
    this.wire();
  }

  /** For HTTP mode: the listener for /slack/events, mounted in the bot's HTTP server. */
  get requestListener(): ((req: IncomingMessage, res: ServerResponse) => void) | null {
    return this.receiver ? (req, res) => this.receiver!.requestListener(req, res) : null;
  }

  async start(): Promise<void> {
    const auth = await this.app.client.auth.test();
    this.botUserId = (auth.user_id as string | undefined) ?? null;
    this.teamUrl = (auth.url as string | undefined) ?? null;
    if (this.opts.appToken) await this.app.start();
    this.svc.log.info({ user: this.botUserId, mode: this.opts.appToken ? 'socket' : 'http' }, 'slack ready');
  }

  async stop(): Promise<void> {
    if (this.opts.appToken) await this.app.stop();
  }

  /**
   * Posts a reply in a channel or thread (the outbox uses this), then its attachments; returns the
   * message's ts. With `once`, the message carries its key as metadata, and a post that may have
   * happened already is looked for first: Slack has no idempotency key of its own.
   */
  async post(target: { channelId: string; threadId: string | null }, reply: Reply, answerId?: string, o: { client?: WebClient; once?: DeliveryOnce } = {}): Promise<string | null> {
    const client = o.client ?? this.app.client;
    const { text, blocks } = renderSlack(reply, answerId);
    // Posted by an earlier attempt: not again, but its files follow (that attempt may have failed on them).
    // A lookup that fails (a channel named, not its id) must not stop the reply: posted twice beats never.
    const found = o.once?.again ? await this.postedBefore(client, target, o.once.key).catch(() => null) : null;
    const metadata = o.once ? { metadata: { event_type: REPLY_EVENT, event_payload: { key: o.once.key } } } : {};
    // A channel from medic.yaml may be a name; Slack answers with its id, which uploads need.
    const r = found ?? (await client.chat.postMessage({ channel: slackChannel(target.channelId), text, blocks, ...(target.threadId ? { thread_ts: target.threadId } : {}), unfurl_links: false, ...metadata }));
    const ts = (r.ts as string | undefined) ?? null;
    const channelId = (r.channel as string | undefined) ?? target.channelId;
    const thread = target.threadId ?? ts;
    for (const a of reply.attachments) {
      const file = attachmentBytes(a);
      await client.filesUploadV2(thread ? { channel_id: channelId, thread_ts: thread, filename: a.name, file } : { channel_id: channelId, filename: a.name, file });
    }
    return ts;
  }

  /** Medic's message with this key among the thread's (or channel's) latest, if it was posted. */
  private async postedBefore(client: WebClient, target: { channelId: string; threadId: string | null }, key: string): Promise<{ ts: string; channel: string } | null> {
    const channel = slackChannel(target.channelId);
    const page = target.threadId
      ? await client.conversations.replies({ channel, ts: target.threadId, limit: 200, include_all_metadata: true })
      : await client.conversations.history({ channel, limit: 50, include_all_metadata: true });
    const mine = (page.messages ?? []).find((m) => m.metadata?.event_type === REPLY_EVENT && (m.metadata.event_payload as { key?: string } | undefined)?.key === key);
    return mine?.ts ? { ts: mine.ts, channel } : null;
  }

  /** The first message of a thread Medic opens itself (an alert's), and where it landed. */
  async openThread(channel: string, reply: Reply, answerId: string): Promise<{ channelId: string; messageId: string; threadId: string }> {
    const { text, blocks } = renderSlack(reply, answerId);
    const r = await this.app.client.chat.postMessage({ channel: slackChannel(channel), text, blocks, unfurl_links: false });
    const ts = r.ts as string;
    return { channelId: (r.channel as string | undefined) ?? channel, messageId: ts, threadId: ts };
  }

  /** Replaces an earlier message of Medic's (progress, a streamed answer). */
  async edit(target: { channelId: string }, ts: string, reply: Reply, answerId?: string): Promise<void> {
    const { text, blocks } = renderSlack(reply, answerId);
    await this.app.client.chat.update({ channel: target.channelId, ts, text, blocks });
  }

  private messenger(target: { channelId: string; threadId: string | null }): Messenger {
    return { target, post: (reply) => this.post(target, reply), edit: (ts, reply, answerId) => this.edit(target, ts, reply, answerId) };
  }

  /** A file someone shared, fetched only from Slack's file host, with the bot token (which goes nowhere else). */
  private upload(name: string, size: number, url: string): Upload {
    const file = { platform: 'slack' as const, name, size, url };
    return { ...file, fetch: (signal) => fetchFromHost(file, { known: SLACK_FILE_HOSTS, configured: this.opts.apiUrl }, { authorization: `Bearer ${this.opts.botToken}` }, signal) };
  }

  /** The permalink form of a thread: `https://team.slack.com/archives/C123/p1700000000000100`. */
  private link(channel: string, ts: string | null | undefined): string | undefined {
    return this.teamUrl && ts ? `${this.teamUrl.replace(/\/$/, '')}/archives/${channel}/p${ts.replace('.', '')}` : undefined;
  }

  private async channelName(client: WebClient, id: string): Promise<string | null> {
    if (this.channelNames.has(id)) return this.channelNames.get(id)!;
    let name: string | null = null;
    try {
      const info = await client.conversations.info({ channel: id });
      name = (info.channel as { name?: string } | undefined)?.name ?? null;
    } catch (err) {
      this.svc.log.warn({ err, channel: id }, 'slack: cannot read channel name');
    }
    this.channelNames.set(id, name);
    return name;
  }

  /** People's messages in a thread before `before`, oldest first, the parent included (needs the history scopes). */
  private earlier(client: WebClient, channel: string, threadTs: string, before: string): () => Promise<ThreadHistory> {
    return async () => {
      const r = await client.conversations.replies({ channel, ts: threadTs, limit: 200 });
      const all = (r.messages ?? []) as Array<{ ts?: string; text?: string; bot_id?: string; user?: string }>;
      const messages = all
        .filter((m) => m.ts && Number(m.ts) < Number(before) && !m.bot_id && m.user !== this.botUserId && m.text?.trim())
        .sort((a, b) => Number(a.ts) - Number(b.ts))
        .map((m) => ({ userId: m.user ?? 'unknown', text: m.text! }));
      return { messages, complete: !r.has_more };
    };
  }

  /** The configured Slack user groups this user belongs to (cached for five minutes). */
  private async groupsOf(client: WebClient, userId: string): Promise<string[]> {
    const wanted = new Set(Object.values(this.svc.cfg.chat.permissions).flatMap((p) => p?.slackUsergroups ?? []));
    const out: string[] = [];
    for (const g of wanted) {
      let entry = this.groupMembers.get(g);
      if (!entry || Date.now() - entry.at > 5 * 60_000) {
        try {
          const r = await client.usergroups.users.list({ usergroup: g });
          entry = { at: Date.now(), users: new Set((r.users as string[] | undefined) ?? []) };
          this.groupMembers.set(g, entry);
        } catch (err) {
          this.svc.log.warn({ err, usergroup: g }, 'slack: cannot list user group members (needs usergroups:read)');
          continue;
        }
      }
      if (entry.users.has(userId)) out.push(g);
    }
    return out;
  }

  private async deliver(client: WebClient, origin: { channelId: string; threadTs: string | null; userId: string }, outcome: Outcome): Promise<void> {
    // A form opens from the button that asked for it (it needs that press's trigger).
    if (outcome.kind !== 'reply') return;
    const { text, blocks } = renderSlack(outcome.reply, outcome.answerId);
    try {
      if (outcome.ephemeral) {
        await client.chat.postEphemeral({ channel: origin.channelId, user: origin.userId, text, blocks, ...(origin.threadTs ? { thread_ts: origin.threadTs } : {}) });
      } else {
        await this.post({ channelId: origin.channelId, threadId: origin.threadTs }, outcome.reply, outcome.answerId, { client });
      }
      this.svc.metrics.replies.inc({ platform: 'slack', result: 'ok' });
    } catch (err) {
      this.svc.metrics.replies.inc({ platform: 'slack', result: 'error' });
      this.svc.log.error({ err }, 'slack reply failed');
    }
  }

  private wire(): void {
    this.app.message(async ({ message, client }) => {
      const m = message as { subtype?: string; bot_id?: string; user?: string; text?: string; ts: string; thread_ts?: string; channel: string; files?: Array<{ name?: string; size?: number; url_private?: string; url_private_download?: string }> };
      if (m.subtype && m.subtype !== 'thread_broadcast' && m.subtype !== 'file_share') return;
      const text = m.text ?? '';
      const mentioned = this.botUserId ? text.includes(`<@${this.botUserId}>`) : false;
      const threadId = m.thread_ts && m.thread_ts !== m.ts ? m.thread_ts : null;
      const inbound: InboundMessage = {
        platform: 'slack',
        channelId: m.channel,
        channelName: await this.channelName(client, m.channel),
        messageId: m.ts,
        threadId,
        ...(threadId ? { earlier: this.earlier(client, m.channel, threadId, m.ts) } : {}),
        user: { id: m.user ?? 'unknown', roles: [] },
        isBot: Boolean(m.bot_id) || m.user === this.botUserId,
        text,
        mentioned,
        ...(this.link(m.channel, m.thread_ts ?? m.ts) ? { link: this.link(m.channel, m.thread_ts ?? m.ts)! } : {}),
        files: (m.files ?? []).filter((f) => f.url_private_download ?? f.url_private).map((f) => this.upload(f.name ?? 'upload', f.size ?? 0, (f.url_private_download ?? f.url_private)!)),
      };
      const outcome = await this.svc.router.onMessage(inbound, this.messenger({ channelId: m.channel, threadId: m.thread_ts ?? m.ts }));
      await this.deliver(client, { channelId: m.channel, threadTs: m.thread_ts ?? m.ts, userId: inbound.user.id }, outcome);
    });

    this.app.command('/medic', async ({ command, ack, client }) => {
      await ack();
      const [verb = 'triage', ...rest] = command.text.trim().split(/\s+/);
      const spec = COMMANDS.get(verb);
      const first = spec?.options[0]?.name ?? 'text';
      const args = rest.length ? { [first]: command.text.trim().slice(verb.length).trim() } : {};
      const channelName = await this.channelName(client, command.channel_id);
      const origin: RequestOrigin = { platform: 'slack', user: { id: command.user_id, roles: await this.groupsOf(client, command.user_id) }, channelId: command.channel_id, threadId: null, ...(channelName ? { channelName } : {}) };
      const outcome = spec ? await this.svc.router.onCommand(verb, args, origin) : await this.svc.router.onCommand('triage', { text: command.text }, origin);
      await this.deliver(client, { channelId: command.channel_id, threadTs: null, userId: command.user_id }, outcome);
    });

    this.app.shortcut(MESSAGE_ACTION.callbackId, async ({ shortcut, ack, client }) => {
      await ack();
      const s = shortcut as { channel?: { id: string }; message?: { text?: string; ts: string; thread_ts?: string }; user: { id: string } };
      if (!s.channel || !s.message) return;
      const threadTs = s.message.thread_ts ?? null;
      const channelName = await this.channelName(client, s.channel.id);
      const origin: RequestOrigin = {
        platform: 'slack',
        user: { id: s.user.id, roles: [] },
        channelId: s.channel.id,
        threadId: threadTs,
        ...(channelName ? { channelName } : {}),
        ...(threadTs ? { earlier: this.earlier(client, s.channel.id, threadTs, s.message.ts) } : {}),
      };
      const outcome = await this.svc.router.onCommand('triage', { text: s.message.text ?? '' }, origin);
      await this.deliver(client, { channelId: s.channel.id, threadTs: s.message.thread_ts ?? s.message.ts, userId: s.user.id }, outcome);
    });

    this.app.action(/^medic:/, async ({ action, body, ack, client }) => {
      await ack();
      const a = action as { action_id: string; block_id?: string; value?: string; selected_option?: { value: string } };
      const id = a.action_id.slice('medic:'.length);
      const answerId = /^medic:(.+)$/.exec(a.block_id ?? '')?.[1];
      if (!isActionId(id) || !answerId) return;
      const b = body as { user: { id: string }; channel?: { id: string }; message?: { ts: string; thread_ts?: string }; container?: { message_ts?: string; thread_ts?: string } };
      const channelId = b.channel?.id ?? '';
      // An ephemeral message (the picker after "Not it") comes with its container, not the message.
      const threadTs = b.message?.thread_ts ?? b.container?.thread_ts ?? b.message?.ts ?? b.container?.message_ts ?? null;
      const link = this.link(channelId, threadTs);
      const origin: RequestOrigin = { platform: 'slack', user: { id: b.user.id, roles: await this.groupsOf(client, b.user.id) }, channelId, threadId: threadTs, ...(link ? { link } : {}) };
      const outcome = await this.svc.router.onAction(id, answerId, { ...origin, ...(threadTs ? { earlier: this.earlier(client, channelId, threadTs, String(Number.MAX_SAFE_INTEGER)) } : {}) }, a.selected_option?.value);
      if (outcome.kind === 'form') {
        const metadata = JSON.stringify({ answerId: outcome.form.answerId, channelId, threadTs });
        await client.views.open({ trigger_id: (body as { trigger_id: string }).trigger_id, view: renderSlackModal(outcome.form, metadata) as never });
        return;
      }
      await this.deliver(client, { channelId, threadTs, userId: b.user.id }, outcome);
    });

    this.app.view(formCallbackId({ id: 'save-fix' }), async ({ ack, body, view, client }) => {
      await ack();
      let raw: unknown = null;
      try {
        raw = JSON.parse(view.private_metadata || 'null');
      } catch {
        return;
      }
      const meta = FormMetadata.safeParse(raw);
      if (!meta.success) return;
      const { answerId, channelId, threadTs } = meta.data;
      const values = Object.fromEntries(['title', 'fix'].map((f) => [f, view.state.values[f]?.[f]?.value ?? '']));
      const link = this.link(channelId, threadTs);
      const origin: RequestOrigin = { platform: 'slack', user: { id: body.user.id, roles: await this.groupsOf(client, body.user.id) }, channelId, threadId: threadTs, ...(link ? { link } : {}) };
      await this.deliver(client, { channelId, threadTs, userId: body.user.id }, await this.svc.router.onForm('save-fix', answerId, values, origin));
    });
  }
}

/** A channel id as it is, a name from medic.yaml as `#name` (Slack answers with the id). */
function slackChannel(idOrName: string): string {
  return /^[CGD][A-Z0-9]+$/.test(idOrName) ? idOrName : `#${idOrName.replace(/^#/, '')}`;
}
