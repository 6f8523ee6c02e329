import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { looksBinary } from '../text/binary.js';

/** Bad input from the user: one line on stderr, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const MAX_PASTE_BYTES = 1024 * 1024;

/** A paste as triage takes it: text, under 1 MB, not empty. */
export function checkPaste(text: string): string {
  if (Buffer.byteLength(text, 'utf8') > MAX_PASTE_BYTES) throw new UsageError('the paste is over 1 MB; paste the error lines, or analyze the whole file with a bundle');
  if (looksBinary(text)) throw new UsageError('the input looks binary, not text');
  if (!text.trim()) throw new UsageError('the paste is empty: give the error text');
  return text;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(c as string);
    size += b.length;
    if (size > MAX_PASTE_BYTES * 2) throw new UsageError('the paste is over 1 MB; paste the error lines, or analyze the whole file with a bundle');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A paste from --file or standard input, checked; `none` says what to do when there is neither. */
export async function readPaste(file: string | undefined, none: string): Promise<string> {
  if (file) {
    try {
      return checkPaste(readFileSync(file, 'utf8'));
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (!process.stdin.isTTY) return checkPaste(await readStdin());
  throw new UsageError(none);
}

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new InvalidArgumentError('expected a whole number from 1 to 50');
  return n;
}

/** Writes a file the user named; a failure is their input's problem, said in one line. */
export function writeUserFile(path: string, data: string | Buffer): void {
  try {
    writeFileSync(path, data);
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
