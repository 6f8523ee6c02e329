import { stemmer } from 'stemmer';
import { maskIdentity, stripAnsi } from './mask.js';

const STOPWORDS = new Set(
  `a an and are as at be been being but by can could did do does doing for from had has have having he her his how i if in
into is it its itself just me my no nor of on once only or other our out over own same she should so some such than that the
their them then there these they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours also any all each few more most both again about above after before below between
during off here get got use using used via per etc e g eg ie vs anyone someone anything something please thanks thank hi hello
hey guys still just really now even ever every way like im ive dont doesnt didnt isnt wasnt arent cant wont shouldnt couldnt`.split(/\s+/),
);

/** Porter leaves some families apart that error text uses interchangeably. */
const STEM_FAMILIES: Record<string, string> = {
  failur: 'fail',
  connector: 'connect',
  connectivity: 'connect',
  discoveri: 'discov',
  resolut: 'resolv',
  verifi: 'verif',
  specifi: 'specif',
  configur: 'config',
  registri: 'regist',
  registr: 'regist',
};

const LOG_KEYS = /\b(?:level|lvl|msg|time|ts|caller|logger|severity)=|"(?:level|lvl|msg|message|time|ts|caller|logger|severity)"\s*:/gi;

/** Placeholders from masking that carry meaning as tokens. */
const PLACEHOLDERS = new Set(['peerid']);
const MASKS = new Set(['timestamp', 'uuid', 'hexid', 'ipaddr', 'macaddr', 'maskurl', 'maskpath', 'maskvalue', 'masknum', 'maskname']);

const COMPOUND = /[\p{L}\p{N}_]+(?:(?:::|[.\-/])[\p{L}\p{N}_]+)*/gu;

function splitParts(compound: string): string[] {
  return compound
    .split(/::|[.\-/_]/)
    .flatMap((p) => p.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').split(' '))
    .filter(Boolean);
}

function normWord(w: string): string | null {
  const l = w.toLowerCase();
  if (STOPWORDS.has(l)) return null;
  if (/^\d+$/.test(l)) return l.length <= 5 ? l : null;
  if (l.length < 2) return null;
  if (/^[a-z]+$/.test(l)) {
    const st = stemmer(l);
    return STEM_FAMILIES[st] ?? st;
  }
  return l;
}

/**
 * Identifier-aware tokens for error text. `lloom_core::network` yields the compound and
 * `lloom`, `core`, `network`; `ImagePullBackOff`, `MODEL_UNAVAILABLE` and `x509` survive whole.
 * Plain words are stemmed; timestamps, ids and addresses are dropped, peer ids become `peerid`.
 */
export function tokenize(text: string): string[] {
  return weightedTokens(text).map(([t]) => t);
}

/** Weight of a part of a compound next to the compound itself, so `ai-challenge` does not count thrice. */
export const PART_WEIGHT = 0.5;

/** Tokens with a weight: 1 for words and whole identifiers, `PART_WEIGHT` for an identifier's parts. */
export function weightedTokens(text: string): Array<[string, number]> {
  const masked = maskIdentity(stripAnsi(text))
    .replace(/['’](?=\w)/g, '')
    // Phrases whose meaning lives in a stopword: "timed out" and "timeout" are one word in error text.
    .replace(/\btim(?:e|ed|es|ing)[ -]?outs?\b/gi, 'timeout')
    // Structured-log keys (logfmt, JSON) are the format, not the message.
    .replace(LOG_KEYS, ' ');
  const out: Array<[string, number]> = [];
  for (const m of masked.matchAll(COMPOUND)) {
    const raw = m[0];
    const lower = raw.toLowerCase();
    if (MASKS.has(lower)) continue;
    if (PLACEHOLDERS.has(lower)) {
      out.push([lower, 1]);
      continue;
    }
    const parts = splitParts(raw);
    if (parts.length > 1) {
      const whole = !/^\d+(\.\d+)*$/.test(raw) && raw.length <= 40;
      // A letters-only compound (`mDNS`, `OOMKilled`) is stemmed like the same word typed in lower case.
      if (whole) out.push([/^[a-z]+$/.test(lower) ? (normWord(lower) ?? lower) : lower, 1]);
      for (const p of parts) {
        const n = normWord(p);
        if (n) out.push([n, whole ? PART_WEIGHT : 1]);
      }
    } else {
      const n = normWord(raw);
      if (n) out.push([n, 1]);
    }
  }
  return out;
}

/** Term frequencies of a token list. */
export function termCounts(tokens: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of tokens) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}
