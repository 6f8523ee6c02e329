/**
 * The platform-neutral answer every capability returns. Adapters render it: Discord embeds
 * and components, Slack Block Kit, console text.
 */
export interface CodeSnippet {
  lang: string;
  text: string;
}

export type ReplyBlock =
  | { type: 'text'; text: string }
  | { type: 'steps'; steps: Array<{ text: string; code: CodeSnippet[] }> }
  | { type: 'code'; lang: string; text: string };

export interface ReplySection {
  heading: string;
  blocks: ReplyBlock[];
}

export interface Citation {
  cardId: string;
  guide: string;
  file: string;
  heading: string;
  path: string[];
  lines: { start: number; end: number };
}

/** Every button and menu a reply can carry; the front doors accept these and no others. */
export const ACTION_IDS = ['fixed', 'not-it', 'run-checks', 'escalate', 'show-more', 'pick', 'save-fix', 'recheck', 'silence', 'collect'] as const;
export type ActionId = (typeof ACTION_IDS)[number];

export function isActionId(s: string): s is ActionId {
  return (ACTION_IDS as readonly string[]).includes(s);
}

export interface ReplyAction {
  id: ActionId;
  label: string;
  /** Opaque data the handler needs (a card id, a fingerprint). */
  value?: string;
}

/** A choice among options (a select menu): picking one sends action `id` with its value. */
export interface ReplyChoice {
  id: ActionId;
  placeholder: string;
  options: Array<{ label: string; value: string; description?: string }>;
}

export interface ReplyAttachment {
  name: string;
  contentType: string;
  path?: string;
  /** Text content (a Markdown report). */
  content?: string;
  /** Binary content, base64 (a PNG chart), so it can travel through the outbox. */
  base64?: string;
}

/** An attachment's bytes, wherever they are. */
export function attachmentBytes(a: ReplyAttachment): Buffer | string {
  if (a.base64 !== undefined) return Buffer.from(a.base64, 'base64');
  if (a.content !== undefined) return Buffer.from(a.content, 'utf8');
  return a.path!;
}

export interface Reply {
  title: string;
  summary: string;
  sections: ReplySection[];
  citations: Citation[];
  actions: ReplyAction[];
  attachments: ReplyAttachment[];
  choices?: ReplyChoice;
  /** Notes about how the answer was made (truncation, rebuilt index). */
  notes: string[];
}

/** A short reply with only a title and a summary (acknowledgements, refusals, notices). */
export function notice(title: string, summary: string): Reply {
  return { title, summary, sections: [], citations: [], actions: [], attachments: [], notes: [] };
}
