import { pending } from './pending.js';

export const digest = pending('digest', 'Post the health digest now', [], 'The health digest', 'digest');
