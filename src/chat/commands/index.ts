import { analyze } from './analyze.js';
import { check } from './check.js';
import type { ChatCommand } from './command.js';
import { digest } from './digest.js';
import { escalate } from './escalate.js';
import { nodes } from './nodes.js';
import { triage } from './triage.js';

export type { ChatCommand, CommandContext, CommandOption } from './command.js';

/** Every chat command by name; adapters register these and nothing else. */
export const COMMANDS: ReadonlyMap<string, ChatCommand> = new Map([triage, analyze, check, nodes, digest, escalate].map((c) => [c.name, c]));

/** The message action ("Triage with Medic") every platform offers. */
export const MESSAGE_ACTION = { name: 'Triage with Medic', callbackId: 'medic_triage_message' };
