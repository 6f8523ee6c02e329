import { pending } from './pending.js';

export const analyze = pending(
  'analyze',
  'Analyze a diagnostic bundle',
  [{ name: 'bundle', description: 'The bundle (.tar.gz, .zip, .log)', type: 'attachment', required: true }],
  'Bundle analysis',
);
