import type { CollectorSet } from '../collector.js';

/** LLMSpell: the kernel runs as a user service; what holds its ports, and the processes. */
export const llmspell: CollectorSet = {
  system: 'llmspell',
  templates: ['user-systemd-status', 'user-journal', 'listening', 'processes', 'memory'],
  units: ['llmspell-kernel'],
  containers: [],
  namespaces: [],
};
