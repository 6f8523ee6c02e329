import type { Condition, Facts } from './condition.js';
import type { CheckSpec, NodeSpec } from './spec.js';

export interface CheckContext {
  node: NodeSpec;
  spec: CheckSpec;
  conditions: Condition[];
  /** Aborts when the check's timeout passes: a black-holed node costs its timeout and no more. */
  signal: AbortSignal;
}

/** One kind of check (k8sgpt-style: one file each, one interface, a registry). */
export interface CheckKind {
  readonly kind: string;
  /** Conditions applied when the check lists none. */
  readonly defaults: string[];
  /** Conditions applied whatever the check lists: what a user's conditions add to, never remove. */
  always?(spec: CheckSpec): string[];
  measure(ctx: CheckContext): Promise<Facts>;
}

/** `{host}` in a configured URL is the node's host. */
export function nodeUrl(ctx: CheckContext): URL {
  return new URL((ctx.spec.url ?? '').replaceAll('{host}', ctx.node.host));
}
