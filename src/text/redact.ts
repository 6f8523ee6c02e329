/**
 * Secrets are hidden before anything leaves the process: chat replies, logs, issues and
 * model requests. Each rule names the kind it hides so callers can report what was hidden.
 */
const RULES: Array<{ kind: string; re: RegExp; keep?: number }> = [
  { kind: 'private-key', re: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g },
  { kind: 'openai-key', re: /\bsk-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_-]{16,}/g },
  { kind: 'slack-token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'slack-app-token', re: /\bxapp-[A-Za-z0-9-]{10,}/g },
  { kind: 'github-token', re: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}/g },
  { kind: 'aws-key', re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g },
  { kind: 'discord-token', re: /\b[MNO][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,38}\b/g },
  { kind: 'jwt', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { kind: 'bearer-token', re: /\b((?:Bearer|Token)\s+)(?!\[redacted)[A-Za-z0-9._~+/=-]{12,}/gi, keep: 1 },
  { kind: 'url-password', re: /\b([a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s/]+(@)/gi, keep: 2 },
  {
    kind: 'password',
    re: /\b((?:password|passwd|pwd|secret|api[_-]?key|access[_-]?key|auth[_-]?token|token|client[_-]?secret)["']?\s*[:=]\s*["']?)(?!\*\*\*|\[redacted)[^\s"',;]{4,}/gi,
    keep: 1,
  },
];

export interface Redaction {
  text: string;
  /** How many of each kind were hidden. */
  hidden: Record<string, number>;
}

export function redact(text: string): Redaction {
  const hidden: Record<string, number> = {};
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.re, (...m: string[]) => {
      hidden[rule.kind] = (hidden[rule.kind] ?? 0) + 1;
      if (rule.keep === 1) return `${m[1]}***`;
      if (rule.keep === 2) return `${m[1]}***${m[2]}`;
      return `[redacted ${rule.kind}]`;
    });
  }
  return { text: out, hidden };
}

export function redactText(text: string): string {
  return redact(text).text;
}

/** The most of a paste Medic keeps (with an answer, in a job, in an issue). */
export const PASTE_LIMIT = 20_000;

/** A paste as Medic keeps it: redacted, and at most `PASTE_LIMIT` characters. */
export function keptPaste(text: string): string {
  return redactText(text).slice(0, PASTE_LIMIT);
}
