import { reply } from '../inbound.js';
import type { ChatAction } from './action.js';

/** "Show more": the other sections that could fit, with nothing recorded. */
export const showMore: ChatAction = {
  id: 'show-more',
  async run({ answerId, alternatives }) {
    return reply(alternatives('Other sections that could fit'), true, answerId);
  },
};
