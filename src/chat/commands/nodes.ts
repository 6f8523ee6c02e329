import { pending } from './pending.js';

export const nodes = pending('nodes', 'List registered nodes and their last status', [], 'The node registry');
