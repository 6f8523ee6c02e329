import { createServer, type IncomingMessage, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { listenLocal, readBody } from './http.js';

export interface RestCall {
  method: string;
  path: string;
  body: any;
  /** Files sent with a multipart request. */
  files: Array<{ name: string; content: string }>;
  /** When it arrived (ms). */
  at: number;
}

/** A file a user uploads with a message or a slash command. */
export interface FakeUpload {
  filename: string;
  data: Buffer;
  /** What Discord reports; defaults to the real size. */
  size?: number;
}

let nextId = 1_000_000_000_000_000n;
const snowflake = (): string => String(nextId++);

/**
 * A local Discord: REST under /api and a gateway on the same port. It speaks enough of the
 * protocol to drive a real discord.js Client (HELLO, IDENTIFY to READY, GUILD_CREATE, then
 * dispatches) and records every REST call the client makes.
 */
export class FakeDiscord {
  readonly calls: RestCall[] = [];
  readonly guildId = snowflake();
  readonly appId = snowflake();
  readonly bot = { id: snowflake(), username: 'medic', discriminator: '0', bot: true, global_name: null, avatar: null };
  readonly channels = {
    troubleshooting: { id: snowflake(), name: 'troubleshooting' },
    general: { id: snowflake(), name: 'general' },
    hourglassHelp: { id: snowflake(), name: 'hourglass-help' },
    opsAlerts: { id: snowflake(), name: 'ops-alerts' },
  };
  readonly roles = { oncall: { id: snowflake(), name: 'oncall' } };
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private sockets = new Set<WebSocket>();
  private seq = 0;
  private waiters: Array<{ test: (c: RestCall) => boolean; resolve: (c: RestCall) => void }> = [];
  private readonly threads = new Map<string, unknown>();
  /** Every message, by people and by the bot, per channel or thread: for the history endpoints. */
  private readonly history = new Map<string, Array<Record<string, unknown> & { id: string }>>();
  /** Uploaded files served at /attachments/... (Discord's CDN stand-in). */
  private readonly uploads = new Map<string, Buffer>();
  readonly downloads: string[] = [];
  /** Called with every REST call as it arrives (load runs match replies without scanning `calls`). */
  onCall: ((c: RestCall) => void) | null = null;
  /** Latency added to each message the bot posts, as a slow or distant API would have. */
  postDelayMs = 0;
  /** Messages by their author's nonce, for `enforce_nonce` (as Discord does for a few minutes). */
  private readonly nonces = new Map<string, Record<string, unknown>>();
  port = 0;

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const file = req.method === 'GET' && req.url ? this.uploads.get(req.url) : undefined;
      if (file) {
        this.downloads.push(req.url!);
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length }).end(file);
        return;
      }
      void this.rest(req).then(
        ({ status, body }) => {
          if (body === undefined) res.writeHead(status).end();
          else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        },
        () => res.writeHead(500).end(),
      );
    });
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (ws) => this.gateway(ws));
    this.port = await listenLocal(this.server);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    await new Promise<void>((r) => this.wss?.close(() => r()));
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  /** Resolves with the first recorded REST call (past or future) that passes `test`. */
  waitFor(test: (c: RestCall) => boolean, timeoutMs = 10_000): Promise<RestCall> {
    const found = this.calls.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out waiting for a Discord REST call')), timeoutMs);
      this.waiters.push({ test, resolve: (c) => (clearTimeout(t), resolve(c)) });
    });
  }

  /** Messages the bot posted to a channel or thread. */
  posted(channelId?: string): RestCall[] {
    return this.calls.filter((c) => c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path) && (!channelId || c.path.includes(channelId)));
  }

  private dispatch(t: string, d: unknown): void {
    const payload = JSON.stringify({ op: 0, t, s: ++this.seq, d });
    for (const s of this.sockets) s.send(payload);
  }

  /** Serves an upload from the fake CDN; returns Discord's attachment object for it. */
  private attachment(u: FakeUpload): Record<string, unknown> {
    const id = snowflake();
    const path = `/attachments/${id}/${u.filename}`;
    this.uploads.set(path, u.data);
    const url = `http://127.0.0.1:${this.port}${path}`;
    return { id, filename: u.filename, size: u.size ?? u.data.length, url, proxy_url: url, content_type: 'application/gzip' };
  }

  /** A thread that exists already (as one a person started), for replies that jobs post to it. */
  addThread(parent: keyof FakeDiscord['channels'] = 'troubleshooting'): string {
    const id = snowflake();
    this.threads.set(id, { id, type: 11, guild_id: this.guildId, parent_id: this.channels[parent].id, name: 'thread', owner_id: '4242', message_count: 0, member_count: 1, rate_limit_per_user: 0, flags: 0, thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false } });
    return id;
  }

  /** A user posts a message; returns its id. `links` are attachments hosted anywhere (a forged URL). */
  sendMessage(o: { channel: keyof FakeDiscord['channels'] | string; content: string; bot?: boolean; roles?: string[]; mentionBot?: boolean; userId?: string; attachments?: FakeUpload[]; links?: Array<{ filename: string; url: string; size: number }> }): string {
    const id = snowflake();
    const channelId = o.channel in this.channels ? this.channels[o.channel as keyof FakeDiscord['channels']].id : o.channel;
    const author = { id: o.userId ?? '4242', username: o.bot ? 'otherbot' : 'alice', discriminator: '0', bot: Boolean(o.bot), global_name: null, avatar: null };
    this.dispatch('MESSAGE_CREATE', this.remember({
      id,
      channel_id: channelId,
      guild_id: this.guildId,
      author,
      member: { roles: o.roles ?? [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
      content: o.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: o.mentionBot ? [this.bot] : [],
      mention_roles: [],
      attachments: [...(o.attachments ?? []).map((u) => this.attachment(u)), ...(o.links ?? []).map((l) => ({ id: snowflake(), filename: l.filename, size: l.size, url: l.url, proxy_url: l.url, content_type: 'application/gzip' }))],
      embeds: [],
      pinned: false,
      type: 0,
      flags: 0,
      components: [],
    }));
    return id;
  }

  private remember<M extends Record<string, unknown> & { id: string; channel_id: string }>(m: M): M {
    const list = this.history.get(m.channel_id) ?? [];
    list.push(m);
    this.history.set(m.channel_id, list);
    return m;
  }

  /** A user runs a slash command with one file option. */
  sendSlashWithFile(o: { channelId: string; name: string; option: string; upload: FakeUpload }): string {
    const a = this.attachment(o.upload);
    return this.interaction(2, o.channelId, [], {
      channel: { id: o.channelId, type: 0, guild_id: this.guildId, name: 'troubleshooting' },
      data: { id: snowflake(), name: o.name, type: 1, options: [{ name: o.option, type: 11, value: a.id }], resolved: { attachments: { [a.id as string]: a } } },
    });
  }

  /** A user runs a slash command with string options in a channel. */
  sendSlash(o: { channelId: string; name: string; options?: Record<string, string>; roles?: string[] }): string {
    return this.interaction(2, o.channelId, o.roles, {
      channel: { id: o.channelId, type: 0, guild_id: this.guildId, name: 'troubleshooting' },
      data: { id: snowflake(), name: o.name, type: 1, options: Object.entries(o.options ?? {}).map(([name, value]) => ({ name, type: 3, value })) },
    });
  }

  /** A user runs the "Triage with Medic" message action on a message with this content. */
  sendMessageAction(o: { channelId: string; name: string; content: string }): string {
    const target = snowflake();
    const msg = { id: target, channel_id: o.channelId, author: { id: '4242', username: 'alice', discriminator: '0', global_name: null, avatar: null }, content: o.content, timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [], attachments: [], embeds: [], pinned: false, type: 0, flags: 0, components: [] };
    return this.interaction(2, o.channelId, [], {
      channel: { id: o.channelId, type: 0, guild_id: this.guildId, name: 'general' },
      data: { id: snowflake(), name: o.name, type: 3, target_id: target, resolved: { messages: { [target]: msg } } },
    });
  }

  /** A user presses a button or picks from a menu on a message in `channelId` (a thread). */
  sendComponent(o: { channelId: string; customId: string; values?: string[]; roles?: string[] }): string {
    return this.interaction(3, o.channelId, o.roles, {
      channel: this.channelObject(o.channelId),
      data: o.values ? { custom_id: o.customId, component_type: 3, values: o.values } : { custom_id: o.customId, component_type: 2 },
      message: { id: snowflake(), channel_id: o.channelId, author: this.bot, content: '', timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [], attachments: [], embeds: [], pinned: false, type: 0, flags: 0, components: [] },
    });
  }

  /** A user submits a modal (a form Medic showed) in `channelId` (a thread), with a value per text input. */
  sendModalSubmit(o: { channelId: string; customId: string; fields: Record<string, string>; roles?: string[] }): string {
    return this.interaction(5, o.channelId, o.roles, {
      channel: { id: o.channelId, type: 11, guild_id: this.guildId, parent_id: this.channels.troubleshooting.id, name: 'thread' },
      data: { custom_id: o.customId, components: Object.entries(o.fields).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] })) },
    });
  }

  /** A channel as an interaction carries it: one of the guild's channels, or else a thread in #troubleshooting. */
  private channelObject(id: string): Record<string, unknown> {
    const channel = Object.values(this.channels).find((c) => c.id === id);
    if (channel) return { id, type: 0, guild_id: this.guildId, name: channel.name, parent_id: null };
    return { id, type: 11, guild_id: this.guildId, parent_id: this.channels.troubleshooting.id, name: 'thread' };
  }

  private interaction(type: number, channelId: string, roles: string[] | undefined, extra: Record<string, unknown>): string {
    const id = snowflake();
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: this.appId,
      type,
      token: `tok-${id}`,
      version: 1,
      guild_id: this.guildId,
      channel_id: channelId,
      member: { user: { id: '4242', username: 'alice', discriminator: '0', global_name: null, avatar: null }, roles: roles ?? [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0, permissions: '0' },
      app_permissions: '0',
      locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: {},
      attachment_size_limit: 8388608,
      ...extra,
    });
    return id;
  }

  private guild(): unknown {
    const role = (id: string, name: string, position: number) => ({ id, name, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, position, permissions: '0', managed: false, mentionable: false, flags: 0 });
    return {
      id: this.guildId,
      name: 'ops',
      icon: null,
      owner_id: '1',
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: [role(this.guildId, '@everyone', 0), role(this.roles.oncall.id, 'oncall', 1)],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      preferred_locale: 'en-US',
      public_updates_channel_id: null,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      joined_at: new Date().toISOString(),
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [],
      channels: Object.values(this.channels).map((c, i) => ({ id: c.id, type: 0, guild_id: this.guildId, name: c.name, position: i, permission_overwrites: [], parent_id: null, nsfw: false, topic: null, last_message_id: null, rate_limit_per_user: 0 })),
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  private gateway(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 }, s: null, t: null }));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { op: number };
      if (msg.op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      if (msg.op === 2) {
        ws.send(
          JSON.stringify({
            op: 0,
            t: 'READY',
            s: ++this.seq,
            d: {
              v: 10,
              user: this.bot,
              guilds: [{ id: this.guildId, unavailable: true }],
              session_id: 'session',
              resume_gateway_url: `ws://127.0.0.1:${this.port}`,
              shard: [0, 1],
              application: { id: this.appId, flags: 0 },
              private_channels: [],
              relationships: [],
              presences: [],
              user_settings: {},
              guild_join_requests: [],
              geo_ordered_rtc_regions: [],
            },
          }),
        );
        ws.send(JSON.stringify({ op: 0, t: 'GUILD_CREATE', s: ++this.seq, d: this.guild() }));
      }
    });
  }

  private async rest(req: IncomingMessage): Promise<{ status: number; body?: unknown }> {
    const text = (await readBody(req)).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname).replace(/^\/api(\/v\d+)?/, '');
    let body: unknown = null;
    const files: RestCall['files'] = [];
    const type = req.headers['content-type'] ?? '';
    if (type.includes('application/json') && text) body = JSON.parse(text);
    else if (type.includes('multipart/form-data')) {
      const m = /name="payload_json"[^\n]*\r?\n\r?\n([\s\S]*?)\r?\n--/.exec(text);
      body = m ? JSON.parse(m[1]!) : text;
      for (const f of text.matchAll(/filename="([^"]+)"[^\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)\r?\n--/g)) files.push({ name: f[1]!, content: f[2]! });
    }
    if (this.postDelayMs && req.method === 'POST' && /\/messages$/.test(path)) await new Promise((r) => setTimeout(r, this.postDelayMs));
    const nonce = req.method === 'POST' && (body as { enforce_nonce?: boolean; nonce?: string } | null)?.enforce_nonce ? String((body as { nonce: string }).nonce) : null;
    const again = nonce ? this.nonces.get(nonce) : undefined;
    // As Discord does: a message whose nonce was seen is not created again; the first one is returned.
    if (again) return { status: 200, body: again };
    const call: RestCall = { method: req.method ?? 'GET', path, body, files, at: Date.now() };
    this.calls.push(call);
    this.onCall?.(call);
    if (this.waiters.length) this.waiters = this.waiters.filter((w) => (w.test(call) ? (w.resolve(call), false) : true));
    const message = (channelId: string, b: any) => ({
      id: snowflake(),
      channel_id: channelId,
      author: this.bot,
      content: b?.content ?? '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: b?.embeds ?? [],
      components: b?.components ?? [],
      pinned: false,
      type: 0,
      flags: b?.flags ?? 0,
    });
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && (path === '/gateway/bot' || path === '/gateway')) {
      return { status: 200, body: { url: `ws://127.0.0.1:${this.port}`, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } } };
    }
    if (req.method === 'POST' && (m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path))) {
      const b = body as { name: string };
      // As on Discord, a thread started from a message has the message's id.
      const thread: { id: string } & Record<string, unknown> = { id: m[2]!, type: 11, guild_id: this.guildId, parent_id: m[1], name: b.name, owner_id: this.bot.id, message_count: 0, member_count: 1, rate_limit_per_user: 0, flags: 0, thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false } };
      this.threads.set(thread.id, thread);
      return { status: 201, body: thread };
    }
    if (req.method === 'POST' && (m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      const created = this.remember(message(m[1]!, body));
      if (nonce) this.nonces.set(nonce, created);
      return { status: 200, body: created };
    }
    if (req.method === 'GET' && (m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      // Newest first, as Discord returns them.
      const before = url.searchParams.get('before');
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const list = (this.history.get(m[1]!) ?? []).filter((x) => !before || BigInt(x.id) < BigInt(before));
      return { status: 200, body: list.slice(-limit).reverse() };
    }
    if (req.method === 'GET' && (m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path))) {
      const found = (this.history.get(m[1]!) ?? []).find((x) => x.id === m![2]);
      return found ? { status: 200, body: found } : { status: 404, body: { message: 'Unknown Message', code: 10008 } };
    }
    if (req.method === 'PATCH' && (m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path))) return { status: 200, body: { ...message(m[1]!, body), id: m[2] } };
    if (req.method === 'GET' && (m = /^\/channels\/(\d+)$/.exec(path))) {
      const thread = this.threads.get(m[1]!);
      const channel = Object.values(this.channels).find((c) => c.id === m![1]);
      if (thread) return { status: 200, body: thread };
      if (channel) return { status: 200, body: { id: channel.id, type: 0, guild_id: this.guildId, name: channel.name, position: 0, permission_overwrites: [] } };
      return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
    }
    if (req.method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback$/.test(path)) return { status: 204 };
    if (req.method === 'POST' && (m = /^\/webhooks\/\d+\/[^/]+$/.exec(path))) return { status: 200, body: message('0', body) };
    if (req.method === 'PATCH' && /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(path)) return { status: 200, body: message('0', body) };
    if (req.method === 'PUT' && /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path)) return { status: 200, body: (body as unknown[]).map((c) => ({ ...(c as object), id: snowflake() })) };
    return { status: 404, body: { message: 'Unknown route in fake Discord', code: 0 } };
  }
}
