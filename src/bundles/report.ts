import { createHash } from 'node:crypto';
import type { Reply, ReplySection } from '../reply/reply.js';
import type { BundleReport, Finding } from './analyze.js';
import type { Narration } from '../llm/narrate.js';
import { formatBytes } from './limits.js';
import { PASTE_LIMIT } from '../text/redact.js';

const LABEL: Record<Finding['severity'], string> = { fail: 'FAIL', warn: 'WARN', info: 'INFO' };

/** `1 log`, `2 logs`: a count and its noun. */
function count(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
}

function tally(r: BundleReport): string {
  const fails = r.findings.filter((f) => f.severity === 'fail').length;
  const warns = r.findings.filter((f) => f.severity === 'warn').length;
  if (!fails && !warns) return 'nothing wrong found';
  return [fails ? count(fails, 'failure') : '', warns ? count(warns, 'warning') : ''].filter(Boolean).join(', ');
}

function systemsLine(r: BundleReport): string {
  return r.systems.length ? r.systems.map((s) => `${s.system} (${count(s.files, 'file')})`).join(', ') : 'not recognized';
}

function filesLine(r: BundleReport): string {
  const c = r.inventory.counts;
  return `${count(c.log, 'log')}, ${count(c.config, 'config')}, ${count(c.snapshot, 'snapshot')}, ${count(c.cert, 'certificate')}, ${c.other} other`;
}

function logsLine(r: BundleReport): string {
  const l = r.logs;
  const span = l.firstTime && l.lastTime ? `, ${l.firstTime} to ${l.lastTime}` : '';
  return `${count(l.lines, 'line')}, ${count(l.errors, 'error')}, ${count(l.warnings, 'warning')} in ${count(l.templates, 'template')}${span}`;
}

function hiddenLine(h: Record<string, number>): string {
  return Object.entries(h)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

function seen(f: Finding): string {
  if (!f.firstSeen) return '';
  return f.firstSeen === f.lastSeen ? ` Seen at ${f.firstSeen}.` : ` Seen from ${f.firstSeen} to ${f.lastSeen}.`;
}

/** The report for a terminal. */
export function renderReportText(r: BundleReport): string {
  const out: string[] = [];
  out.push(`Bundle ${r.bundle}: ${tally(r)}`);
  out.push(`  ${r.input.files} files, ${formatBytes(r.input.unpackedBytes)} unpacked, analyzed in ${(r.durationMs / 1000).toFixed(1)} s`);
  out.push(`  Systems: ${systemsLine(r)}`);
  out.push(`  Files:   ${filesLine(r)}`);
  out.push(`  Logs:    ${logsLine(r)}`);
  out.push('');
  for (const f of r.findings) {
    out.push(`${LABEL[f.severity]}  ${f.title}${f.analyzer ? `  [${f.analyzer}]` : ''}`);
    out.push(`      ${f.message}${seen(f)}`);
    for (const e of f.evidence) out.push(`      ${e.file}:${e.line}  ${e.text.trim()}`);
    if (f.fix) out.push(`      fix: ${f.fix.title} (${f.fix.guide}), ${f.fix.citation.file} lines ${f.fix.citation.lines.start}-${f.fix.citation.lines.end}`);
    for (const c of f.fix?.commands.slice(0, 3) ?? []) out.push(`        $ ${c}`);
    if (f.checks.length) out.push(`      checks: ${f.checks.map((c) => `${c.name} (${c.kind})`).join(', ')}`);
    out.push('');
  }
  if (!r.findings.length) out.push('No warning or failure found.\n');
  if (r.passed.length) out.push(`Passed: ${r.passed.map((p) => p.title).join('; ')}`);
  if (r.redactions.length) out.push(`Redacted: ${r.redactions.map((x) => `${x.file}: ${hiddenLine(x.hidden)}`).join('; ')}`);
  for (const n of r.notes) out.push(`Note: ${n}`);
  return out.join('\n').trimEnd() + '\n';
}

/** The full report as Markdown (`--report`, and the attachment in chat). */
export function renderReportMarkdown(r: BundleReport): string {
  const out: string[] = [];
  out.push(`# Bundle report: ${r.bundle}`, '');
  out.push(`**${tally(r)}.** Analyzed by Medic at ${r.analyzedAt} in ${(r.durationMs / 1000).toFixed(1)} s.`, '');
  out.push('| | |', '|---|---|');
  out.push(`| Systems | ${systemsLine(r)} |`);
  out.push(`| Files | ${r.input.files} (${filesLine(r)}) |`);
  out.push(`| Size | ${formatBytes(r.input.bytes)} uploaded, ${formatBytes(r.input.unpackedBytes)} unpacked |`);
  out.push(`| Logs | ${logsLine(r)} |`, '');
  out.push('## Findings', '');
  if (!r.findings.length) out.push('No warning or failure found.', '');
  r.findings.forEach((f, i) => {
    out.push(`### ${i + 1}. ${LABEL[f.severity]}: ${f.title}`, '');
    out.push(`${f.message}${seen(f)}${f.analyzer ? ` (analyzer \`${f.analyzer}\`)` : ''}`, '');
    if (f.evidence.length) {
      out.push('```');
      for (const e of f.evidence) out.push(`${e.file}:${e.line}: ${e.text.trim()}`);
      out.push('```', '');
    }
    if (f.fix) {
      out.push(`**Fix:** ${f.fix.title} (${f.fix.guide} guide, confidence ${f.fix.confidence.toFixed(2)}). Source: \`${f.fix.citation.file}\` › ${f.fix.citation.path.join(' › ')} (lines ${f.fix.citation.lines.start}-${f.fix.citation.lines.end})`, '');
      for (const [n, s] of f.fix.steps.entries()) out.push(`${n + 1}. ${s}`);
      if (f.fix.steps.length) out.push('');
      if (f.fix.commands.length) out.push('```bash', ...f.fix.commands, '```', '');
    }
    if (f.checks.length) out.push(`**Suggested checks:** ${f.checks.map((c) => `\`${c.name}\` (${c.kind})`).join(', ')}`, '');
  });
  if (r.passed.length) {
    out.push('## Passed', '');
    for (const p of r.passed) out.push(`- **${p.title}** (${p.analyzer}): ${p.message}`);
    out.push('');
  }
  out.push('## Inventory', '', '| File | Kind | Size | System |', '|---|---|---|---|');
  for (const f of r.inventory.files) out.push(`| \`${f.name}\` | ${f.kind}${f.format ? ` (${f.format})` : ''}${f.snapshots.length ? ` (${f.snapshots.join(', ')})` : ''} | ${formatBytes(f.size)} | ${f.system ?? ''} |`);
  out.push('');
  out.push('## Redaction', '');
  if (!r.redactions.length) out.push('No secrets found in what this report quotes or in the files read whole.');
  else {
    out.push('Secrets hidden from this report, per file (files read whole are counted whole; logs by the lines quoted):', '', '| File | Hidden |', '|---|---|');
    for (const x of r.redactions) out.push(`| \`${x.file}\` | ${hiddenLine(x.hidden)} |`);
  }
  if (r.notes.length) out.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  return out.join('\n') + '\n';
}

/** A bundle's fingerprint: the fixes and titles of its failures, so the same broken state escalates to one issue. */
export function bundleFingerprint(r: BundleReport): string {
  const key = r.findings
    .filter((f) => f.severity === 'fail')
    .map((f) => f.fix?.cardId ?? `${f.analyzer ?? 'logs'}:${f.title.replace(/\d+/g, '#')}`)
    .sort()
    .join('\n');
  return 'fp_' + createHash('sha256').update(key || r.bundle).digest('hex').slice(0, 16);
}

/** What an escalation of the bundle carries: its failures and warnings, and their first evidence line. */
export function bundleEscalation(r: BundleReport): { paste: string; findings: Array<{ severity: string; title: string; evidence: string }> } {
  const top = r.findings.filter((f) => f.severity !== 'info').slice(0, 10);
  const findings = top.map((f) => ({ severity: f.severity, title: f.title, evidence: f.evidence[0] ? `${f.evidence[0].file}:${f.evidence[0].line}: ${f.evidence[0].text}` : f.message }));
  const paste = top.flatMap((f) => f.evidence.slice(0, 2).map((e) => e.text)).join('\n').slice(0, PASTE_LIMIT) || r.bundle;
  return { paste, findings };
}

/** Medic's own two-paragraph narrative of a report: the fallback when no model writes one. */
export function bundleNarrative(r: BundleReport): string {
  const fails = r.findings.filter((f) => f.severity === 'fail');
  const warns = r.findings.filter((f) => f.severity === 'warn');
  if (!fails.length && !warns.length) return `Nothing wrong found in ${r.bundle}: ${r.logs.errors} error lines, none matching a known problem, and every analyzer passed.`;
  const first = fails[0] ?? warns[0]!;
  const names = (fs: Finding[]) => fs.slice(0, 3).map((f) => f.title).join('; ');
  const p1 = `${r.bundle} (${systemsLine(r)}) shows ${tally(r)}${fails.length ? `: ${names(fails)}` : `: ${names(warns)}`}.`;
  const p2 = `Start with "${first.title}"${first.fix ? `: the ${first.fix.guide} guide's "${first.fix.title}" section has the fix` : ''}, then work down the list.`;
  return `${p1}\n\n${p2}`;
}

/** What a model is given to narrate a report. */
export function narrationInput(r: BundleReport): Record<string, string> {
  return {
    bundle: r.bundle,
    systems: systemsLine(r),
    findings: r.findings
      .filter((f) => f.severity !== 'info')
      .slice(0, 10)
      .map((f) => `- ${LABEL[f.severity]} ${f.title} (${f.count}x)${f.fix ? ` -> guide section "${f.fix.title}" (${f.fix.guide})` : ''}: ${f.evidence[0]?.text ?? f.message}`)
      .join('\n'),
  };
}

/** The chat summary: the top findings, with the full Markdown report attached (and Escalate, when it has an answer id). */
export function reportReply(r: BundleReport, top = 5, escalatable = false, narrative: Narration | null = null): Reply {
  const shown = r.findings.filter((f) => f.severity !== 'info').slice(0, top);
  const story: ReplySection[] = narrative ? [{ heading: 'In short', blocks: [{ type: 'text', text: narrative.fields.narrative! }] }] : [];
  const sections: ReplySection[] = shown.map((f) => {
    const lines = [f.message + seen(f)];
    if (f.fix) lines.push(`Fix: ${f.fix.title} (${f.fix.guide} guide)`);
    if (f.checks.length) lines.push(`Suggested checks: ${f.checks.map((c) => c.name).join(', ')}`);
    return {
      heading: `${LABEL[f.severity]}: ${f.title}`,
      blocks: [
        { type: 'text' as const, text: lines.join('\n') },
        ...(f.evidence.length ? [{ type: 'code' as const, lang: '', text: f.evidence.slice(0, 2).map((e) => `${e.file}:${e.line}: ${e.text.trim()}`).join('\n') }] : []),
      ],
    };
  });
  const citations = [...new Map(shown.filter((f) => f.fix).map((f) => [f.fix!.cardId, f.fix!.citation])).values()];
  // The headline counts failures and warnings: so does what is left for the attached report.
  const more = r.findings.filter((f) => f.severity !== 'info').length - shown.length;
  return {
    title: `Bundle ${r.bundle}: ${tally(r)}`,
    summary: `Systems: ${systemsLine(r)}. Files: ${filesLine(r)}. Logs: ${logsLine(r)}.${more > 0 ? ` ${more} more ${more === 1 ? 'failure or warning' : 'failures and warnings'} in the attached report.` : ''}`,
    sections: [...story, ...sections],
    citations,
    actions: escalatable && r.findings.some((f) => f.severity !== 'info') ? [{ id: 'escalate', label: 'Escalate' }] : [],
    attachments: [{ name: `${r.bundle.replace(/[^\w.-]+/g, '_')}-report.md`, contentType: 'text/markdown', content: renderReportMarkdown(r) }],
    notes: [
      ...(narrative?.by === 'model' ? ['The summary above was written by a model from the findings; the findings and fixes come from the bundle and the guides.'] : []),
      ...(r.redactions.length ? [`Secrets were hidden from this report (${r.redactions.length} file${r.redactions.length === 1 ? '' : 's'}).`] : []),
    ],
  };
}
