import type { CollectorSet } from '../collector.js';

/** Lloom executors: the systemd service, its journal, the GPU and what listens (LM Studio on 1234). */
export const lloom: CollectorSet = {
  system: 'lloom',
  templates: ['systemd-status', 'journal', 'gpu', 'disk', 'memory', 'listening'],
  units: ['lloom-executor'],
  containers: [],
  namespaces: [],
};
