import type { z } from 'zod';

/** A validation error as lines a person can act on: each problem with where it is. */
export function problems(err: z.ZodError): string[] {
  return err.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
}
