import { z } from 'zod';
import { ConditionError, parseCondition } from './condition.js';
import { KIND_NAMES } from './registry.js';


/** One check as written in medic.yaml; `{host}` in a URL is the node's host. */
export const CheckSpecSchema = z
  .object({
    name: z.string().regex(/^[\w.-]+$/, 'letters, digits, . _ - only'),
    kind: z.enum(KIND_NAMES),
    url: z.string().optional(),
    host: z.string().optional(),
    port: z.number().int().min(1).max(65535).optional(),
    command: z.enum(['disk', 'memory', 'gpu', 'service', 'journal', 'containers']).optional(),
    unit: z.string().regex(/^[\w@.-]+$/, 'a systemd unit name').optional(),
    /** A PEM file of the CA that signs a private TLS endpoint (tls checks, and http checks of https URLs). */
    ca: z.string().optional(),
    /** Accept any certificate (Gatus' word): without it, an invalid chain or a wrong hostname always fails. */
    insecure: z.boolean().default(false),
    lines: z.number().int().min(1).max(500).optional(),
    conditions: z.array(z.string()).default([]),
    timeoutMs: z.number().int().min(100).max(60_000).default(5000),
    severity: z.enum(['fail', 'warn']).default('fail'),
  })
  .strict()
  .superRefine((c, ctx) => {
    const need = (field: 'url' | 'port' | 'command', why: string) => {
      if (c[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `a ${c.kind} check needs ${why}` });
    };
    if (['http', 'metrics', 'models'].includes(c.kind)) need('url', 'a url');
    if (['tcp', 'tls'].includes(c.kind)) need('port', 'a port');
    if (c.kind === 'ssh') need('command', 'a command (disk, memory, gpu, service, journal, containers)');
    c.conditions.forEach((s, i) => {
      try {
        parseCondition(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['conditions', i], message: (err as ConditionError).message });
      }
    });
  });
export type CheckSpec = z.infer<typeof CheckSpecSchema>;

/** Names that reach a command line: nothing a shell could read as more than a word. */
export const UNIT = /^[\w@.:-]{1,128}$/;
export const CONTAINER = /^[\w][\w.-]{0,127}$/;
export const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const NodeSchema = z
  .object({
    name: z.string().regex(/^[\w.-]+$/, 'letters, digits, . _ - only'),
    system: z.string().min(1),
    host: z.string().min(1),
    labels: z.record(z.string(), z.string()).default({}),
    ssh: z
      .object({ user: z.string().min(1), port: z.number().int().min(1).max(65535).default(22), key: z.string().min(1), hostKey: z.string().regex(/^SHA256:/, 'a pinned SHA256:... fingerprint') })
      .strict()
      .optional(),
    checks: z.array(CheckSpecSchema).default([]),
    /** What `medic collect` reads on this node, instead of its system's defaults. */
    collect: z
      .object({
        units: z.array(z.string().regex(UNIT, 'a systemd unit name (letters, digits, @ . _ : -)')).max(20).optional(),
        containers: z.array(z.string().regex(CONTAINER, 'a container name (letters, digits, . _ -)')).max(20).optional(),
        namespaces: z.array(z.string().regex(NAMESPACE, 'a Kubernetes namespace (lowercase letters, digits, -)')).max(10).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type NodeSpec = z.infer<typeof NodeSchema>;

/** Checks every node of a system gets, before its own. */
export const SystemChecksSchema = z.record(z.string(), z.object({ checks: z.array(CheckSpecSchema).default([]) }).strict());
