import { pending } from './pending.js';

export const check = pending('check', 'Run the checks of a registered node', [{ name: 'node', description: 'Node name', type: 'string', required: true }], 'Running node checks', 'check');
