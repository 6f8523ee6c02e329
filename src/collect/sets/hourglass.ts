import type { CollectorSet } from '../collector.js';

/** Hourglass: the operator's and the AVS's namespaces, their pods and events. */
export const hourglass: CollectorSet = {
  system: 'hourglass',
  templates: ['k8s-pods', 'k8s-events', 'k8s-top', 'disk', 'memory'],
  units: [],
  containers: [],
  namespaces: ['hourglass-system'],
};
