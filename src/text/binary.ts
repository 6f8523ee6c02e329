/**
 * Characters that text does not hold: controls other than tab, newlines, form feed and ESC (ANSI
 * colours are common in logs), and U+FFFD, which stands for bytes that were not UTF-8.
 */
const ODD = /[\u0001-\u0008\u000e-\u001a\u001c-\u001f\ufffd]/g;
/** More odd characters than this share (and than a handful) make input binary. */
const ODD_SHARE = 0.1;
const FEW = 8;
/** How much of a file's bytes is read to decide. */
export const BINARY_SAMPLE_BYTES = 8192;

/** Whether a paste or the head of a file is binary rather than text: one rule for both. */
export function looksBinary(input: string | Buffer): boolean {
  const text = typeof input === 'string' ? input : input.subarray(0, BINARY_SAMPLE_BYTES).toString('utf8');
  if (!text) return false;
  if (text.includes('\u0000')) return true;
  const odd = text.match(ODD)?.length ?? 0;
  return odd > Math.max(FEW, text.length * ODD_SHARE);
}
