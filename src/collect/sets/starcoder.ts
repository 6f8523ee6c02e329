import type { CollectorSet } from '../collector.js';

/** StarCoder multi-agent: the compose containers and their logs, GPU and memory. */
export const starcoder: CollectorSet = {
  system: 'starcoder',
  templates: ['containers', 'container-logs', 'container-stats', 'gpu', 'memory', 'disk'],
  units: [],
  containers: ['starcoder', 'generator-agent', 'reviewer-agent'],
  namespaces: [],
};
