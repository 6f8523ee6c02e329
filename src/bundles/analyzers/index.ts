import type { Analyzer } from './analyzer.js';
import { certs } from './certs.js';
import { configSyntax } from './config-syntax.js';
import { disk } from './disk.js';
import { gpu } from './gpu.js';
import { hourglassConfig } from './hourglass-config.js';
import { hybridgridConfig } from './hybridgrid-config.js';
import { k8sEvents } from './k8s-events.js';
import { k8sQuantities } from './k8s-quantities.js';
import { llmspellConfig } from './llmspell-config.js';
import { lloomConfig } from './lloom-config.js';
import { memory } from './memory.js';

export type { Analyzer, AnalyzerResult, BundleView, Evidence, Verdict } from './analyzer.js';

/** Every bundle analyzer by name. */
export const ANALYZERS: ReadonlyMap<string, Analyzer> = new Map([disk, memory, gpu, k8sEvents, k8sQuantities, hourglassConfig, lloomConfig, hybridgridConfig, llmspellConfig, configSyntax, certs].map((a) => [a.name, a]));
