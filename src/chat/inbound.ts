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
  earlier?: () => Promise<ThreadHistory>;
}

/** People's messages in a thread (bots' left out), oldest first, and whether that is all of them. */
export interface ThreadHistory {
  messages: Array<{ userId: string; text: string }>;
  /** False when the thread is longer than what was read. */
  complete: boolean;
}

export interface ChatUser {
  id: string;
  name?: string;
  /** Discord role ids and names; Slack user group ids. */
  roles: string[];
}

/**
 * A form a person fills in before something is done (a Discord modal, a Slack modal). Its
 * submission comes back to the router with the same id and answer.
 */
export interface Form {
  id: 'save-fix';
  answerId: string;
  title: string;
  fields: Array<{ id: string; label: string; value: string; multiline: boolean; max: number }>;
}

/** What the router wants posted or shown, or nothing. */
export type Outcome =
  | { kind: 'silent'; reason: string }
  | { kind: 'reply'; reply: import('../reply/reply.js').Reply; ephemeral: boolean; answerId?: string }
  | { kind: 'form'; form: Form };

export function reply(r: import('../reply/reply.js').Reply, ephemeral: boolean, answerId?: string): Outcome {
  return { kind: 'reply', reply: r, ephemeral, ...(answerId ? { answerId } : {}) };
}

export function silent(reason: string): Outcome {
  return { kind: 'silent', reason };
}
