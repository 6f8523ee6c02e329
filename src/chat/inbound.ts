/** A chat message as every adapter hands it to the router. */
export interface InboundMessage {
  platform: 'discord' | 'slack' | 'console';
  channelId: string;
  channelName: string | null;
  messageId: string;
  /** The thread the message is in, if it is in one. */
  threadId: string | null;
  user: ChatUser;
  isBot: boolean;
  text: string;
  /** The message mentions Medic (or is a direct request, as in the console). */
  mentioned: boolean;
  /** Files attached to the message. */
  files?: ChatFile[];
  /** The message's URL, when the platform has one. */
  link?: string;
  /** In a thread: people's earlier messages there, oldest first (fetched only if triage needs them). */
  earlier?: () => Promise<string[]>;
}

/**
 * A file someone uploaded, as the platform describes it. Medic downloads it only from the
 * platform's own file host; the console names a local path instead.
 */
export interface ChatFile {
  platform: InboundMessage['platform'];
  name: string;
  /** Bytes, as the platform reports them (checked again while downloading). */
  size: number;
  /** Discord attachment URL, Slack `url_private`, or a local path (console). */
  url: string;
}

/** Where a message goes, and how to change it later: adapters implement this for commands that show progress. */
export interface Messenger {
  /** Where it posts: results that arrive later go there too. */
  readonly target: { channelId: string; threadId: string | null };
  /** Posts a message in the request's channel or thread; returns its id (null if it cannot be edited). */
  post(reply: import('./reply.js').Reply): Promise<string | null>;
  /** Replaces a message; with an answer id, its buttons work. */
  edit(messageId: string, reply: import('./reply.js').Reply, answerId?: string): Promise<void>;
}

export interface ChatUser {
  id: string;
  name?: string;
  /** Discord role ids and names; Slack user group ids. */
  roles: string[];
}

/** What the router wants posted, or nothing. */
export type Outcome =
  | { kind: 'silent'; reason: string }
  | { kind: 'reply'; reply: import('./reply.js').Reply; ephemeral: boolean; answerId?: string };
