import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { listenLocal, readBody } from './http.js';

export interface ApiCall {
  method: string;
  body: Record<string, any>;
  /** When it arrived (ms). */
  at: number;
}

/**
 * A local Slack Web API that records every call a real Bolt App makes, and a helper to
 * send correctly signed Events API and interactivity requests to the bot.
 */
export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly botUserId = 'UMEDIC';
  readonly channels: Record<string, string> = { CTROUBLE: 'troubleshooting', CGENERAL: 'general', COPSALERTS: 'ops-alerts' };
  readonly usergroups: Record<string, string[]> = { SONCALL: ['UBOB'] };
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private socket: WebSocket | null = null;
  /** Envelope ids the bot acknowledged over Socket Mode. */
  readonly acks: string[] = [];
  private ts = 1700000000;
  private readonly files = new Map<string, Buffer>();
  readonly downloads: Array<{ url: string; authorization: string | null }> = [];
  /** Bytes sent to upload URLs (files.uploadV2). */
  readonly uploaded: Array<{ id: string; content: string }> = [];
  botToken = 'xoxb-fake-token-for-tests';
  private waiters: Array<{ test: (c: ApiCall) => boolean; resolve: (c: ApiCall) => void }> = [];
  /** Every message posted, by people and by the bot, for conversations.replies. */
  private readonly history: Array<{ channel: string; ts: string; thread_ts?: string; text: string; user?: string; bot_id?: string; metadata?: unknown }> = [];
  port = 0;

  constructor(readonly signingSecret = 'test-signing-secret') {}

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void readBody(req).then((buf) => {
        // Slack's file host: private files need the bot token.
        const file = req.method === 'GET' ? this.files.get(req.url ?? '') : undefined;
        if (file) {
          this.downloads.push({ url: req.url!, authorization: req.headers.authorization ?? null });
          if (req.headers.authorization !== `Bearer ${this.botToken}`) res.writeHead(403).end('not_authed');
          else res.writeHead(200, { 'content-length': file.length }).end(file);
          return;
        }
        if (req.method === 'POST' && req.url?.startsWith('/upload/')) {
          this.uploaded.push({ id: req.url.slice('/upload/'.length), content: buf.toString('utf8') });
          res.writeHead(200).end('OK');
          return;
        }
        const raw = buf.toString('utf8');
        const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
        let body: Record<string, any> = {};
        if ((req.headers['content-type'] ?? '').includes('json')) body = raw ? JSON.parse(raw) : {};
        else body = Object.fromEntries(new URLSearchParams(raw));
        for (const k of ['blocks', 'attachments', 'view']) if (typeof body[k] === 'string') body[k] = JSON.parse(body[k]);
        const call = { method, body, at: Date.now() };
        this.calls.push(call);
        this.waiters = this.waiters.filter((w) => (w.test(call) ? (w.resolve(call), false) : true));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(this.answer(method, body)));
      });
    });
    // Socket Mode: apps.connections.open hands out this WebSocket.
    this.wss = new WebSocketServer({ server: this.server, path: '/socket' });
    this.wss.on('connection', (ws) => {
      this.socket = ws;
      ws.on('message', (raw) => {
        const msg = JSON.parse(String(raw)) as { envelope_id?: string };
        if (msg.envelope_id) this.acks.push(msg.envelope_id);
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A1' } }));
    });
    this.port = await listenLocal(this.server);
  }

  /** A user uploads a file with a message (subtype file_share), over the socket; returns the ts. */
  socketFileShare(o: { channel: string; text: string; name: string; data: Buffer }): string {
    const ts = `${++this.ts}.000500`;
    const path = `/files/F${this.ts}/${o.name}`;
    this.files.set(path, o.data);
    const file = { id: `F${this.ts}`, name: o.name, size: o.data.length, url_private: `http://127.0.0.1:${this.port}${path}`, url_private_download: `http://127.0.0.1:${this.port}${path}` };
    const event = { type: 'message', subtype: 'file_share', channel: o.channel, user: 'UALICE', text: o.text, ts, channel_type: 'channel', files: [file] };
    const payload = { token: 'x', team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: `Ev${ts}`, event_time: Math.floor(Date.now() / 1000), event, authorizations: [{ team_id: 'T1', user_id: this.botUserId, is_bot: true }] };
    this.socket!.send(JSON.stringify({ envelope_id: `env-${ts}`, type: 'events_api', payload, accepts_response_payload: false, retry_attempt: 0, retry_reason: '' }));
    return ts;
  }

  get socketConnected(): boolean {
    return this.socket !== null;
  }

  /** A user posts a message, delivered over the Socket Mode WebSocket. Returns the message ts. */
  socketMessage(o: { channel: string; text: string }): string {
    const ts = `${++this.ts}.000400`;
    const event = { type: 'message', channel: o.channel, user: 'UALICE', text: o.text, ts, channel_type: 'channel' };
    const payload = { token: 'x', team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: `Ev${ts}`, event_time: Math.floor(Date.now() / 1000), event, authorizations: [{ team_id: 'T1', user_id: this.botUserId, is_bot: true }] };
    this.socket!.send(JSON.stringify({ envelope_id: `env-${ts}`, type: 'events_api', payload, accepts_response_payload: false, retry_attempt: 0, retry_reason: '' }));
    return ts;
  }

  async stop(): Promise<void> {
    this.socket?.terminate();
    await new Promise<void>((r) => (this.wss ? this.wss.close(() => r()) : r()));
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  /** Methods that fail once, the next time they are called (as Slack does on a bad moment). */
  readonly failNext = new Set<string>();

  private answer(method: string, body: Record<string, any>): unknown {
    if (this.failNext.delete(method)) return { ok: false, error: 'internal_error' };
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: this.botUserId, bot_id: 'BMEDIC', team_id: 'T1', user: 'medic', url: 'https://example.slack.com/' };
      case 'conversations.info':
        return { ok: true, channel: { id: body.channel, name: this.channels[body.channel] ?? 'unknown' } };
      case 'chat.postMessage': {
        const ts = String(++this.ts) + '.000100';
        // As Slack does: a `#name` is posted to that channel, and the answer names it by id.
        if (String(body.channel).startsWith('#')) {
          const id = Object.entries(this.channels).find(([, name]) => name === String(body.channel).slice(1))?.[0];
          if (!id) return { ok: false, error: 'channel_not_found' };
          body.channel = id;
        }
        const metadata = typeof body.metadata === 'string' ? JSON.parse(body.metadata) : body.metadata;
        this.history.push({ channel: body.channel, ts, ...(body.thread_ts ? { thread_ts: body.thread_ts } : {}), text: body.text ?? '', user: this.botUserId, bot_id: 'BMEDIC', ...(metadata ? { metadata } : {}) });
        return { ok: true, channel: body.channel, ts, message: { text: body.text } };
      }
      case 'conversations.replies':
      case 'conversations.history': {
        const all = String(body.include_all_metadata) === 'true';
        const inThread = (m: { ts: string; thread_ts?: string }) => (method === 'conversations.replies' ? m.ts === body.ts || m.thread_ts === body.ts : !m.thread_ts);
        // As Slack does: metadata only when asked for; history newest first, replies oldest first.
        const messages = this.history
          .filter((m) => m.channel === body.channel && inThread(m))
          .sort((a, b) => (method === 'conversations.replies' ? 1 : -1) * (Number(a.ts) - Number(b.ts)))
          .map(({ metadata, ...m }) => (all && metadata ? { ...m, metadata } : m));
        return { ok: true, messages, has_more: false };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: String(++this.ts) + '.000200' };
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts };
      case 'files.getUploadURLExternal':
        return { ok: true, upload_url: `http://127.0.0.1:${this.port}/upload/F${++this.ts}`, file_id: `F${this.ts}` };
      case 'files.completeUploadExternal':
        return { ok: true, files: JSON.parse(body.files ?? '[]') };
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${this.port}/socket` };
      case 'views.open':
        return { ok: true, view: { id: `V${++this.ts}`, ...body.view } };
      case 'usergroups.users.list':
        return { ok: true, users: this.usergroups[body.usergroup] ?? [] };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  waitFor(test: (c: ApiCall) => boolean, timeoutMs = 10_000): Promise<ApiCall> {
    const found = this.calls.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out waiting for a Slack API call')), timeoutMs);
      this.waiters.push({ test, resolve: (c) => (clearTimeout(t), resolve(c)) });
    });
  }

  /** Signs and posts a raw body to the bot's /slack/events. */
  async deliver(eventsUrl: string, rawBody: string, contentType: string, secret = this.signingSecret): Promise<Response> {
    const ts = Math.floor(Date.now() / 1000).toString();
    const sig = 'v0=' + createHmac('sha256', secret).update(`v0:${ts}:${rawBody}`).digest('hex');
    return fetch(eventsUrl, {
      method: 'POST',
      headers: { 'content-type': contentType, 'x-slack-request-timestamp': ts, 'x-slack-signature': sig },
      body: rawBody,
    });
  }

  /** A user posts a message in a channel (Events API `message`). Returns the message ts. */
  async message(eventsUrl: string, o: { channel: string; text: string; user?: string; botId?: string; threadTs?: string }, secret?: string): Promise<{ ts: string; status: number }> {
    const ts = `${++this.ts}.000300`;
    const event = { type: 'message', channel: o.channel, user: o.user ?? 'UALICE', text: o.text, ts, channel_type: 'channel', ...(o.botId ? { bot_id: o.botId } : {}), ...(o.threadTs ? { thread_ts: o.threadTs } : {}) };
    this.history.push({ channel: o.channel, ts, text: o.text, user: event.user, ...(o.botId ? { bot_id: o.botId } : {}), ...(o.threadTs ? { thread_ts: o.threadTs } : {}) });
    const body = JSON.stringify({ token: 'x', team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: `Ev${ts}`, event_time: Math.floor(Date.now() / 1000), event, authorizations: [{ team_id: 'T1', user_id: this.botUserId, is_bot: true }] });
    const res = await this.deliver(eventsUrl, body, 'application/json', secret);
    return { ts, status: res.status };
  }

  /** A user runs `/medic TEXT` in a channel. */
  async slash(eventsUrl: string, o: { channel: string; text: string; user?: string }): Promise<number> {
    const body = new URLSearchParams({ token: 'x', team_id: 'T1', channel_id: o.channel, channel_name: this.channels[o.channel] ?? '', user_id: o.user ?? 'UALICE', user_name: 'alice', command: '/medic', text: o.text, response_url: `http://127.0.0.1:${this.port}/respond`, trigger_id: 't1', api_app_id: 'A1' });
    return (await this.deliver(eventsUrl, body.toString(), 'application/x-www-form-urlencoded')).status;
  }

  /** A user runs the "Triage with Medic" message shortcut on a message. */
  async shortcut(eventsUrl: string, o: { channel: string; text: string; messageTs: string }): Promise<number> {
    const payload = { type: 'message_action', callback_id: 'medic_triage_message', trigger_id: 't1', response_url: `http://127.0.0.1:${this.port}/respond`, team: { id: 'T1' }, channel: { id: o.channel, name: this.channels[o.channel] }, user: { id: 'UALICE', name: 'alice' }, message: { type: 'message', text: o.text, ts: o.messageTs, user: 'UCAROL' }, message_ts: o.messageTs, token: 'x', action_ts: '1' };
    return (await this.deliver(eventsUrl, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded')).status;
  }

  /** A user presses a button or picks a menu option under a bot message. */
  async action(eventsUrl: string, o: { channel: string; messageTs: string; threadTs?: string; blockId: string; actionId: string; value?: string; selected?: string; user?: string }): Promise<number> {
    const action = o.selected
      ? { type: 'static_select', action_id: o.actionId, block_id: o.blockId, selected_option: { text: { type: 'plain_text', text: o.selected }, value: o.selected }, action_ts: '1' }
      : { type: 'button', action_id: o.actionId, block_id: o.blockId, value: o.value, action_ts: '1' };
    const payload = {
      type: 'block_actions',
      team: { id: 'T1' },
      user: { id: o.user ?? 'UALICE' },
      api_app_id: 'A1',
      token: 'x',
      trigger_id: 't1',
      channel: { id: o.channel, name: this.channels[o.channel] },
      message: { ts: o.messageTs, ...(o.threadTs ? { thread_ts: o.threadTs } : {}), text: '' },
      container: { type: 'message', message_ts: o.messageTs, channel_id: o.channel },
      actions: [action],
    };
    const res = await this.deliver(eventsUrl, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
    return res.status;
  }

  /** A user submits a modal the bot opened (`views.open`), with a value per input block. */
  async viewSubmission(eventsUrl: string, o: { view: { callback_id: string; private_metadata: string }; values: Record<string, string>; user?: string }): Promise<number> {
    const state = { values: Object.fromEntries(Object.entries(o.values).map(([id, value]) => [id, { [id]: { type: 'plain_text_input', value } }])) };
    const payload = { type: 'view_submission', team: { id: 'T1' }, user: { id: o.user ?? 'UALICE', name: 'user' }, api_app_id: 'A1', token: 'x', trigger_id: 't2', view: { id: 'V1', type: 'modal', callback_id: o.view.callback_id, private_metadata: o.view.private_metadata, state, hash: 'h' } };
    return (await this.deliver(eventsUrl, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded')).status;
  }
}
