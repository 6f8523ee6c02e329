import {
  type AnyThreadChannel,
  ApplicationCommandType,
  type ChatInputCommandInteraction,
  Client,
  ContextMenuCommandBuilder,
  Events,
  GatewayIntentBits,
  type GuildMember,
  type Interaction,
  type Message,
  MessageFlags,
  type MessageCreateOptions,
  Partials,
  REST,
  Routes,
  SlashCommandBuilder,
  type TextBasedChannel,
} from 'discord.js';
import { createHash } from 'node:crypto';
import { isActionId, type Reply } from '../../reply/reply.js';
import type { DeliveryOnce } from '../../queue/outbox.js';
import { COMMANDS, MESSAGE_ACTION } from '../commands/index.js';
import type { ChatUser, InboundMessage, Outcome, ThreadHistory } from '../inbound.js';

/** One page of a thread's history: Discord's largest. */
const HISTORY_PAGE = 100;
import type { Messenger } from '../../progress.js';
import { fetchFromHost, type Upload } from '../../bundles/download.js';
import { parseCustomId, renderDiscord, renderDiscordModal } from '../render/discord.js';
import type { RequestOrigin } from '../router.js';
import type { Services } from '../../app.js';

export interface DiscordOptions {
  token: string;
  /** REST base, e.g. https://discord.com/api; the gateway URL comes from REST. */
  apiUrl?: string;
}


/** Discord's own file hosts: uploads are downloaded from nowhere else. */
const DISCORD_FILE_HOSTS = ['cdn.discordapp.com', 'media.discordapp.net'];

/** Where a reply goes: a channel, or a thread in it. */
export interface DiscordTarget {
  channelId: string;
  threadId: string | null;
}

/**
 * The Discord front door (discord.js v14): answers pastes in a thread started from the
 * message, slash commands, the "Triage with Medic" message action, buttons and menus.
 * It translates only; the router decides.
 */
export class DiscordFrontDoor {
  readonly client: Client;

  constructor(
    private readonly svc: Services,
    private readonly opts: DiscordOptions,
  ) {
    this.client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      partials: [Partials.Channel],
      allowedMentions: { parse: [] },
      ...(opts.apiUrl ? { rest: { api: opts.apiUrl } } : {}),
    });
    this.client.on(Events.MessageCreate, (m) => void this.onMessage(m).catch((err) => this.svc.log.error({ err }, 'discord message handling failed')));
    this.client.on(Events.InteractionCreate, (i) => void this.onInteraction(i).catch((err) => this.svc.log.error({ err }, 'discord interaction failed')));
    this.client.on(Events.Error, (err) => this.svc.log.error({ err }, 'discord client error'));
  }

  async start(): Promise<void> {
    const ready = new Promise<void>((resolve) => this.client.once(Events.ClientReady, () => resolve()));
    await this.client.login(this.opts.token);
    await ready;
    this.svc.log.info({ user: this.client.user?.tag }, 'discord ready');
  }

  async stop(): Promise<void> {
    await this.client.destroy();
  }

  /**
   * Posts a reply in a channel or thread (the outbox uses this); returns the last message's id.
   * With `once`, each message carries a nonce Discord enforces: posted again, it is not doubled.
   */
  async post(target: DiscordTarget, reply: Reply, answerId?: string, once?: DeliveryOnce): Promise<string | null> {
    const channel = await this.client.channels.fetch(target.threadId ?? this.channelId(target.channelId));
    if (!channel || !channel.isSendable()) throw new Error(`discord channel ${target.threadId ?? target.channelId} cannot receive messages`);
    let id: string | null = null;
    let n = 0;
    for (const m of renderDiscord(reply, answerId)) id = (await channel.send(once ? { ...m, nonce: nonceOf(once.key, n++), enforceNonce: true } : m)).id;
    return id;
  }

  /** The first message of a thread Medic opens itself (an alert's) in a channel, and the thread started on it. */
  async openThread(channel: string, reply: Reply, answerId: string): Promise<{ channelId: string; messageId: string; threadId: string }> {
    const id = this.channelId(channel);
    const ch = await this.client.channels.fetch(id);
    if (!ch || !ch.isSendable()) throw new Error(`discord channel ${channel} cannot receive messages`);
    const [first, ...rest] = renderDiscord(reply, answerId);
    const m = await ch.send(first!);
    const thread = await m.startThread({ name: threadName(reply.title), autoArchiveDuration: 1440 });
    for (const more of rest) await thread.send(more);
    return { channelId: id, messageId: m.id, threadId: thread.id };
  }

  /** Replaces an earlier message of Medic's (progress, a streamed answer); what does not fit follows it. */
  async edit(target: DiscordTarget, messageId: string, reply: Reply, answerId?: string): Promise<void> {
    const channel = await this.client.channels.fetch(target.threadId ?? target.channelId);
    if (!channel || !channel.isTextBased()) throw new Error(`discord channel ${target.threadId ?? target.channelId} cannot be read`);
    const [first, ...rest] = renderDiscord(reply, answerId);
    await channel.messages.edit(messageId, { content: first?.content ?? reply.title, components: first?.components ?? [], allowedMentions: { parse: [] } });
    if (channel.isSendable()) for (const m of rest) await channel.send(m);
  }

  /** Posting and editing in one channel or thread, for commands that show progress. */
  messenger(target: DiscordTarget): Messenger {
    return { target, post: (reply) => this.post(target, reply), edit: (id, reply, answerId) => this.edit(target, id, reply, answerId) };
  }

  /** A channel named in medic.yaml (`ops-digest`) or given by id. */
  private channelId(idOrName: string): string {
    if (/^\d+$/.test(idOrName)) return idOrName;
    const name = idOrName.replace(/^#/, '');
    const found = this.client.channels.cache.find((c) => 'name' in c && c.name === name);
    if (!found) throw new Error(`no Discord channel named "${name}" is visible to Medic`);
    return found.id;
  }

  private user(member: GuildMember | null | undefined, id: string, name: string): ChatUser {
    const roles = member ? [...member.roles.cache.values()].flatMap((r) => [r.id, r.name]) : [];
    return { id, name, roles };
  }

  /** A file someone attached, fetched only from Discord's CDN (or the configured API host). */
  private upload(name: string, size: number, url: string): Upload {
    const file = { platform: 'discord' as const, name, size, url };
    return { ...file, fetch: (signal) => fetchFromHost(file, { known: DISCORD_FILE_HOSTS, configured: this.opts.apiUrl }, {}, signal) };
  }

  /** People's messages in a thread before `before` (or all), oldest first, the message that started it included. */
  private earlier(thread: AnyThreadChannel, before?: string): () => Promise<ThreadHistory> {
    return async () => {
      const [recent, starter] = await Promise.all([thread.messages.fetch({ limit: HISTORY_PAGE, ...(before ? { before } : {}) }), thread.fetchStarterMessage().catch(() => null)]);
      const byPeople = [...recent.values()].filter((m) => !m.author.bot).sort((a, b) => a.createdTimestamp - b.createdTimestamp);
      const first = starter && !starter.author.bot && !recent.has(starter.id) ? [starter] : [];
      const messages = [...first, ...byPeople].filter((m) => m.content.trim()).map((m) => ({ userId: m.author.id, text: m.content }));
      // A full page may have more before it.
      return { messages, complete: recent.size < HISTORY_PAGE };
    };
  }

  private async onMessage(message: Message): Promise<void> {
    if (message.author.id === this.client.user?.id) return;
    const channel = message.channel;
    const inThread = channel.isThread();
    const parent = inThread ? channel.parent : null;
    const inbound: InboundMessage = {
      platform: 'discord',
      channelId: inThread ? (channel.parentId ?? channel.id) : channel.id,
      channelName: inThread ? (parent?.name ?? null) : 'name' in channel ? (channel.name ?? null) : null,
      messageId: message.id,
      threadId: inThread ? channel.id : null,
      user: this.user(message.member, message.author.id, message.author.username),
      isBot: message.author.bot,
      text: message.content,
      mentioned: this.client.user ? message.mentions.users.has(this.client.user.id) : false,
      files: [...message.attachments.values()].map((a) => this.upload(a.name, a.size, a.url)),
      link: message.url,
      ...(inThread ? { earlier: this.earlier(channel, message.id) } : {}),
    };
    let target: TextBasedChannel = channel;
    let messenger: Messenger | null = null;
    if (inbound.mentioned && inbound.files?.length) {
      // A bundle gets its thread first: progress and the report go there.
      if (!inThread && message.inGuild()) {
        try {
          target = await message.startThread({ name: threadName(`Bundle ${inbound.files[0]!.name}`), autoArchiveDuration: 1440 });
        } catch (err) {
          this.svc.log.warn({ err }, 'could not start a thread; answering in the channel');
        }
      }
      messenger = this.messenger({ channelId: inbound.channelId, threadId: target.id === inbound.channelId ? null : target.id });
    }
    if (!messenger && this.svc.cfg.llm) {
      // A streamed answer needs its message first: the thread is started when it is.
      const base = { channelId: inbound.channelId, threadId: inbound.threadId };
      const self = this;
      let thread: { id: string } | null = inThread ? channel : null;
      const ensure = async (title: string) => {
        if (!thread && message.inGuild()) {
          thread = await message.startThread({ name: threadName(title), autoArchiveDuration: 1440 });
          target = thread as TextBasedChannel;
        }
        return { channelId: base.channelId, threadId: thread?.id ?? base.threadId };
      };
      messenger = {
        get target() {
          return { channelId: base.channelId, threadId: thread?.id ?? base.threadId };
        },
        async post(reply) {
          return self.post(await ensure(reply.title), reply);
        },
        async edit(id, reply, answerId) {
          await self.edit(await ensure(reply.title), id, reply, answerId);
        },
      };
    }
    const outcome = await this.svc.router.onMessage(inbound, messenger);
    if (outcome.kind !== 'reply') return;
    const payloads = renderDiscord(outcome.reply, outcome.answerId);
    if (!inThread && message.inGuild() && target === channel) {
      try {
        target = await message.startThread({ name: threadName(outcome.reply.title), autoArchiveDuration: 1440 });
      } catch (err) {
        this.svc.log.warn({ err }, 'could not start a thread; replying to the message instead');
        await this.send(() => message.reply(payloads[0]!));
        for (const p of payloads.slice(1)) await this.send(() => (channel.isSendable() ? channel.send(p) : Promise.resolve()));
        return;
      }
    }
    if (!target.isSendable()) return;
    for (const p of payloads) await this.send(() => (target as { send(p: MessageCreateOptions): Promise<unknown> }).send(p));
  }

  private async send(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
      this.svc.metrics.replies.inc({ platform: 'discord', result: 'ok' });
    } catch (err) {
      this.svc.metrics.replies.inc({ platform: 'discord', result: 'error' });
      this.svc.log.error({ err }, 'discord reply failed');
    }
  }

  private origin(i: Interaction): RequestOrigin {
    const channel = i.channel;
    const thread = channel?.isThread() ? channel : null;
    const named = thread ? thread.parent : channel;
    const channelName = named && 'name' in named ? named.name : null;
    // The message action names the message it was used on: the thread's history stops before it.
    const before = i.isMessageContextMenuCommand() ? i.targetMessage.id : undefined;
    return {
      platform: 'discord',
      user: this.user(i.member as GuildMember | null, i.user.id, i.user.username),
      channelId: thread ? (thread.parentId ?? thread.id) : (i.channelId ?? ''),
      threadId: thread ? (i.channelId ?? null) : null,
      ...(channelName ? { channelName } : {}),
      link: `https://discord.com/channels/${i.guildId ?? '@me'}/${i.channelId ?? ''}`,
      ...(thread ? { earlier: this.earlier(thread, before) } : {}),
    };
  }

  private async onInteraction(i: Interaction): Promise<void> {
    if (i.isChatInputCommand()) {
      const origin = this.origin(i);
      const files = i.options.data.flatMap((o) => (o.attachment ? [this.upload(o.attachment.name, o.attachment.size, o.attachment.url)] : []));
      // Slow commands (a bundle) answer at once, then work: Discord waits three seconds at most.
      const slow = files.length > 0;
      if (slow) await i.deferReply({ flags: MessageFlags.Ephemeral });
      const outcome = await this.svc.router.onCommand(i.commandName, optionsOf(i), origin, { files, messenger: this.messenger({ channelId: origin.channelId, threadId: origin.threadId }) });
      if (!slow) return this.answer(i, outcome);
      if (outcome.kind !== 'reply') return void (await this.send(() => i.editReply({ content: 'Working on it: progress and the report are posted in this channel.' })));
      if (outcome.ephemeral) return void (await this.send(() => i.editReply({ content: `**${outcome.reply.title}**\n${outcome.reply.summary}`.slice(0, 2000), allowedMentions: { parse: [] } })));
      await this.send(() => i.editReply({ content: 'Done: the report is below.' }));
      await this.send(() => this.post({ channelId: origin.channelId, threadId: origin.threadId }, outcome.reply, outcome.answerId));
      return;
    }
    if (i.isMessageContextMenuCommand()) {
      return this.answer(i, await this.svc.router.onCommand('triage', { text: i.targetMessage.content }, this.origin(i)));
    }
    if (i.isButton() || i.isStringSelectMenu()) {
      const parsed = parseCustomId(i.customId);
      if (!parsed || !isActionId(parsed.action)) return;
      const value = i.isStringSelectMenu() ? i.values[0] : undefined;
      return this.answer(i, await this.svc.router.onAction(parsed.action, parsed.answerId, this.origin(i), value));
    }
    if (i.isModalSubmit()) {
      const parsed = parseCustomId(i.customId);
      if (parsed?.action !== 'save-fix') return;
      const values = Object.fromEntries(['title', 'fix'].map((f) => [f, i.fields.fields.has(f) ? i.fields.getTextInputValue(f) : '']));
      return this.answer(i, await this.svc.router.onForm('save-fix', parsed.answerId, values, this.origin(i)));
    }
  }

  private async answer(
    i: ChatInputCommandInteraction | Extract<Interaction, { reply: unknown }>,
    outcome: Outcome,
  ): Promise<void> {
    if (!('reply' in i) || typeof i.reply !== 'function') return;
    if (outcome.kind === 'form') {
      if ('showModal' in i && typeof i.showModal === 'function') await this.send(() => i.showModal(renderDiscordModal(outcome.form)));
      return;
    }
    if (outcome.kind === 'silent') {
      await this.send(() => i.reply({ content: 'Nothing to say about that.', flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } }));
      return;
    }
    const [first, ...rest] = renderDiscord(outcome.reply, outcome.answerId);
    const flags = outcome.ephemeral ? MessageFlags.Ephemeral : undefined;
    const strip = (m: MessageCreateOptions) => ({ ...m, ...(flags ? { flags } : {}) }) as Parameters<typeof i.reply>[0] & object;
    await this.send(() => i.reply(strip(first!)));
    for (const m of rest) await this.send(() => i.followUp(strip(m)));
  }
}

function optionsOf(i: ChatInputCommandInteraction): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of i.options.data) {
    if (o.attachment) out[o.name] = o.attachment.url;
    else if (o.value !== undefined) out[o.name] = String(o.value);
  }
  return out;
}

/** Discord's nonce is at most 25 characters: a hash of the reply's key and the message's place. */
function nonceOf(key: string, n: number): string {
  return createHash('sha256').update(`${key}#${n}`).digest('base64url').slice(0, 25);
}

function threadName(title: string): string {
  return (title || 'Medic').slice(0, 90);
}

/** The application commands Medic registers: one slash command per chat command, and the message action. */
export function discordCommandDefinitions(): unknown[] {
  const slash = [...COMMANDS.values()].map((c) => {
    const b = new SlashCommandBuilder().setName(c.name).setDescription(c.description.slice(0, 100));
    for (const o of c.options) {
      if (o.type === 'attachment') b.addAttachmentOption((x) => x.setName(o.name).setDescription(o.description).setRequired(o.required));
      else b.addStringOption((x) => x.setName(o.name).setDescription(o.description).setRequired(o.required));
    }
    return b.toJSON();
  });
  const action = new ContextMenuCommandBuilder().setName(MESSAGE_ACTION.name).setType(ApplicationCommandType.Message).toJSON();
  return [...slash, action];
}

/** Registers the commands for one guild (immediate) or globally (may take an hour to show). */
export async function registerDiscordCommands(opts: DiscordOptions & { applicationId: string; guildId?: string }): Promise<number> {
  const rest = new REST(opts.apiUrl ? { api: opts.apiUrl } : {}).setToken(opts.token);
  const route = opts.guildId ? Routes.applicationGuildCommands(opts.applicationId, opts.guildId) : Routes.applicationCommands(opts.applicationId);
  const body = discordCommandDefinitions();
  await rest.put(route, { body });
  return body.length;
}
