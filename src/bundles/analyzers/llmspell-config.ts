import { findLine } from '../inventory.js';
import type { Analyzer, Verdict } from './analyzer.js';

/** Providers that run locally and need no key. */
const KEYLESS = /^(?:ollama|lmstudio|candle|local|llamacpp|vllm)$/i;
const KEY_ENV: Record<string, string> = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY', groq: 'GROQ_API_KEY', mistral: 'MISTRAL_API_KEY', gemini: 'GEMINI_API_KEY', google: 'GOOGLE_API_KEY', cohere: 'COHERE_API_KEY' };
const CONFIG_FAILED = /(?:failed|unable|could not|couldn't) (?:to )?(?:load|parse|read) (?:the )?config|config(?:uration)? (?:error|invalid)|invalid config/i;

/** LLMSpell: providers with no API key in config or environment, and a config that does not load. */
export const llmspellConfig: Analyzer = {
  name: 'llmspell-config',
  async run(view) {
    const out: Verdict[] = [];
    const envKeys = new Set(view.configs.filter((c) => c.entry.format === 'env').flatMap((c) => c.docs.flatMap((d) => Object.entries((d ?? {}) as Record<string, string>).filter(([, v]) => v).map(([k]) => k))));
    for (const c of view.configs.filter((c) => c.entry.format === 'toml')) {
      const llmspell = c.entry.system === 'llmspell' || /llmspell/i.test(c.entry.name) || /^\s*\[providers[.\]]/m.test(c.text);
      if (!llmspell) continue;
      if (c.error) {
        const line = /line (\d+)/i.exec(c.error)?.[1];
        out.push({ outcome: 'fail', system: 'llmspell', title: `${c.entry.name} does not load`, message: `${c.entry.name} is not valid TOML: ${c.error}`, evidence: [{ file: c.entry.name, line: line ? Number(line) : 1, text: line ? (c.text.split('\n')[Number(line) - 1] ?? '').trimEnd() : c.error }], query: 'Config File Not Loading llmspell validate -c config.toml' });
        continue;
      }
      const providers = ((c.docs[0] as { providers?: Record<string, unknown> } | undefined)?.providers ?? {}) as Record<string, Record<string, unknown>>;
      for (const [name, p] of Object.entries(providers)) {
        if (!p || typeof p !== 'object') continue;
        const kind = String(p.provider_type ?? p.type ?? name);
        if (KEYLESS.test(kind) || KEYLESS.test(name)) continue;
        const env = typeof p.api_key_env === 'string' ? p.api_key_env : KEY_ENV[kind.toLowerCase()] ?? `${name.toUpperCase()}_API_KEY`;
        if (typeof p.api_key === 'string' && p.api_key.trim()) continue;
        if (envKeys.has(env)) continue;
        const at = findLine(c.text, new RegExp(`^\\s*\\[providers\\.${name}\\]`));
        out.push({ outcome: 'fail', system: 'llmspell', title: `No API key for provider "${name}"`, message: `${c.entry.name}: [providers.${name}] has no api_key, and ${env} is not set in the bundle's environment files.`, evidence: at ? [{ file: c.entry.name, line: at.line, text: at.text }] : [], query: `Error: No API key configured for provider '${name}'` });
      }
    }
    const failed = view.clusters.filter((cl) => cl.level !== 'warn' && cl.examples.some((e) => CONFIG_FAILED.test(e.text)));
    if (failed.length && !out.some((r) => r.title.endsWith('does not load'))) {
      const ex = failed[0]!.examples[0]!;
      out.push({ outcome: 'fail', system: 'llmspell', title: 'Configuration failed to load', message: `${failed.reduce((n, c) => n + c.count, 0)} log lines say the configuration did not load.`, evidence: failed.slice(0, 3).map((c) => ({ file: c.examples[0]!.file, line: c.examples[0]!.line, text: c.examples[0]!.text })), query: `Config File Not Loading ${ex.text}` });
    }
    return out;
  },
};
