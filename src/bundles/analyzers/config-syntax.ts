import type { Analyzer, Verdict } from './analyzer.js';

/** Any config in the bundle that does not parse (TOML, YAML, JSON). */
export const configSyntax: Analyzer = {
  name: 'config-syntax',
  async run(view) {
    const out: Verdict[] = [];
    for (const c of view.configs) {
      if (!c.error || c.entry.format === 'env') continue;
      // LLMSpell's analyzer reports its own configs with the guide's fix.
      if (c.entry.system === 'llmspell' && c.entry.format === 'toml') continue;
      const line = /line (\d+)/i.exec(c.error)?.[1];
      out.push({
        outcome: 'fail',
        title: `${c.entry.name} does not parse`,
        message: `${c.entry.name} is not valid ${c.entry.format?.toUpperCase()}: ${c.error}`,
        evidence: [{ file: c.entry.name, line: line ? Number(line) : 1, text: line ? (c.text.split('\n')[Number(line) - 1] ?? '').trimEnd() : c.error }],
        ...(c.entry.system ? { system: c.entry.system, query: `${c.entry.system} configuration validation failed` } : {}),
      });
    }
    return out;
  },
};
