import type { CollectorSet } from '../collector.js';
import { hourglass } from './hourglass.js';
import { hybridgrid } from './hybridgrid.js';
import { llmspell } from './llmspell.js';
import { lloom } from './lloom.js';
import { starcoder } from './starcoder.js';

/** What a node of any other system gets: the machine's basics. */
export const BASIC: CollectorSet = { system: '*', templates: ['disk', 'memory', 'listening', 'processes'], units: [], containers: [], namespaces: [] };

/** Every system's collector set by guide name: a set is its file and one entry here. */
export const COLLECTOR_SETS: ReadonlyMap<string, CollectorSet> = new Map([lloom, starcoder, hourglass, llmspell, hybridgrid].map((s) => [s.system, s]));
