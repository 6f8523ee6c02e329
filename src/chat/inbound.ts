import type { Upload } from '../bundles/download.js';

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
  files?: Upload[];
  /** The message's URL, when the platform has one. */
  link?: string;
  /** In a thread: people's earlier messages there, oldest first (fetched only if triage needs them). */
  earlier?: () => Promise<string[]>;
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
  | { kind: 'reply'; reply: import('../reply/reply.js').Reply; ephemeral: boolean; answerId?: string };

export function reply(r: import('../reply/reply.js').Reply, ephemeral: boolean, answerId?: string): Outcome {
  return { kind: 'reply', reply: r, ephemeral, ...(answerId ? { answerId } : {}) };
}

export function silent(reason: string): Outcome {
  return { kind: 'silent', reason };
}
