import type { ActionId } from '../../reply/reply.js';
import type { ChatAction } from './action.js';
import { collect } from './collect.js';
import { escalate } from './escalate.js';
import { fixed } from './fixed.js';
import { notIt } from './not-it.js';
import { pick } from './pick.js';
import { recheck } from './recheck.js';
import { runChecks } from './run-checks.js';
import { saveFix } from './save-fix.js';
import { showMore } from './show-more.js';
import { silence } from './silence.js';

export type { ActionContext, ChatAction } from './action.js';
export { NONE_FITS } from './pick.js';

/** Every button and menu by id: an action is its file and one entry here. */
export const ACTIONS: ReadonlyMap<ActionId, ChatAction> = new Map([fixed, notIt, showMore, pick, runChecks, escalate, saveFix, recheck, silence, collect].map((a) => [a.id, a]));
