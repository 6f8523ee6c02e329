import type { MedicConfig, Permission } from '../../config.js';
import type { RecordStore } from '../../store/records.js';
import type { Dispatcher } from '../../jobs/dispatcher.js';
import type { ChatUser, InboundMessage, Outcome } from '../inbound.js';
import type { Messenger } from '../../progress.js';
import type { Upload } from '../../bundles/download.js';
import type { BundleIntake } from '../../bundles/intake.js';

export interface CommandOption {
  name: string;
  description: string;
  type: 'string' | 'attachment';
  required: boolean;
}

/** What a command sees: who asked, where, and the services it may use. */
export interface CommandContext {
  cfg: MedicConfig;
  store: RecordStore;
  platform: InboundMessage['platform'];
  user: ChatUser;
  channelId: string;
  threadId: string | null;
  /** Every job: onto its queue, or run here. */
  jobs: Dispatcher;
  bundles: BundleIntake;
  /** Files that came with the request. */
  files: Upload[];
  /** Posts and edits messages where the request came from (progress); absent where that is impossible. */
  messenger: Messenger | null;
  /** Builds the health digest now and posts it here. */
  digest(): Promise<Outcome>;
  /** Escalates text to the tracker (triaged first). */
  escalate(text: string): Promise<Outcome>;
  /** Triage text as a request (a mention or /triage): answers even when abstaining. */
  triage(text: string): Promise<Outcome>;
}

/** One chat command, shared by every adapter (the discord.js guide's one-file-per-command). */
export interface ChatCommand {
  name: string;
  description: string;
  options: CommandOption[];
  permission?: Permission;
  /** How often one person may run it (heavy commands). */
  rateLimit?: { max: number; windowSeconds: number };
  run(ctx: CommandContext, args: Record<string, string>): Promise<Outcome>;
}
