import type { Permission } from '../../config.js';
import type { ActionId, Reply } from '../../reply/reply.js';
import type { AnswerRecord } from '../../store/records.js';
import type { Outcome } from '../inbound.js';
import type { RequestOrigin, RouterServices } from '../router.js';

/** What a button's handler sees: the answer it is on, who pressed it, and the services. */
export interface ActionContext {
  svc: RouterServices;
  origin: RequestOrigin;
  answerId: string;
  answer: AnswerRecord;
  /** A section's title as people read it. */
  title(cardId: string | null): string;
  /** The picker of this answer's alternatives, with "None of these". */
  alternatives(summary: string): Reply;
  /** Keeps a new answer (a picked section) so its own buttons work. */
  saveAnswer(cardId: string, extra: { paste?: string; system?: string | null }): Promise<string>;
}

/** One button or menu, as commands are: its id, who may press it, and what it does (one file each). */
export interface ChatAction {
  id: ActionId;
  /** Who may press it, and how a refusal names what they tried ("run checks"). */
  permission?: { name: Permission; doing: string };
  run(ctx: ActionContext, value?: string): Promise<Outcome>;
}
