import { pending } from './pending.js';

export const escalate = pending(
  'escalate',
  'Open (or update) a GitHub issue for this thread',
  [{ name: 'text', description: 'The error, if this is not a triage thread', type: 'string', required: false }],
  'Escalation to GitHub',
  'escalate',
);
