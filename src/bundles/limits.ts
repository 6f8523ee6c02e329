import { z } from 'zod';

/** What a bundle may cost before it is refused; `bundles:` in medic.yaml. */
export const BundleLimitsSchema = z
  .object({
    /** Largest upload Medic downloads from chat (compressed). */
    maxDownloadMB: z.number().positive().max(10_240).default(100),
    /** Everything unpacked, across nested archives. */
    maxUnpackedMB: z.number().positive().max(102_400).default(2048),
    maxFiles: z.number().int().positive().max(1_000_000).default(20_000),
    /** One file, unpacked. */
    maxFileMB: z.number().positive().max(102_400).default(1024),
    /** Folders deep, inside the bundle. */
    maxDepth: z.number().int().positive().max(256).default(24),
    /** Unpacked bytes per compressed byte; logs compress 5-20x, bombs 1000x. */
    maxRatio: z.number().positive().max(100_000).default(200),
    /** Archives inside archives (rotated `.gz` logs are one level). */
    maxNesting: z.number().int().min(0).max(16).default(3),
  })
  .strict();

export type BundleLimits = z.infer<typeof BundleLimitsSchema>;

export const DEFAULT_LIMITS: BundleLimits = BundleLimitsSchema.parse({});

export const MB = 1024 * 1024;

/**
 * A bundle Medic will not read, with a reason a person can act on. `refused` is a rule
 * (unsafe or over a limit); `unreadable` is damage (truncated, corrupt, not an archive).
 */
export class BundleError extends Error {
  constructor(
    message: string,
    readonly reason: 'refused' | 'unreadable',
  ) {
    super(message);
    this.name = 'BundleError';
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < MB) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * MB) return `${(n / MB).toFixed(1)} MB`;
  return `${(n / 1024 / MB).toFixed(2)} GB`;
}
