import type { CollectorSet } from '../collector.js';

/** Hybridgrid: the coordinator service and its journal, disk (build caches), listening ports. */
export const hybridgrid: CollectorSet = {
  system: 'hybridgrid',
  templates: ['systemd-status', 'journal', 'disk', 'memory', 'listening', 'containers'],
  units: ['hg-coord'],
  containers: [],
  namespaces: [],
};
