import type { Reply, ReplySection } from '../reply/reply.js';
import type { DigestData } from './collect.js';
import type { Narration } from '../llm/narrate.js';

function ago(iso: string, now: string): string {
  const h = Math.round((Date.parse(now) - Date.parse(iso)) / 3_600_000);
  return h < 1 ? 'under an hour' : h < 48 ? `${h} h` : `${Math.round(h / 24)} days`;
}

/** Medic's own "what matters today": the fallback when no model writes it. */
export function digestParagraph(d: DigestData): string {
  if (d.allClear) return `All clear: every node is up and no thread is waiting.${d.pastes.total ? ` ${d.pastes.total} pastes were answered in the last 24 h.` : ''}`;
  const first = d.failing[0];
  const parts = [first ? `${first.node} is failing ${first.check}${first.fix ? ` (see "${first.fix.title}")` : ''}.` : ''];
  const fresh = d.changes.filter((c) => c.change === 'failure').length;
  const back = d.changes.filter((c) => c.change === 'recovery').length;
  if (fresh || back) parts.push(`Since the last digest: ${fresh} new failure${fresh === 1 ? '' : 's'}, ${back} recover${back === 1 ? 'y' : 'ies'}.`);
  if (d.unresolved.length) parts.push(`${d.unresolved.length} thread${d.unresolved.length === 1 ? ' is' : 's are'} still unresolved.`);
  return parts.filter(Boolean).join(' ');
}

/** What a model is given to write the paragraph: the digest as plain lines. */
export function digestNarrationInput(d: DigestData): Record<string, string> {
  const r = digestReply(d, null);
  return { digest: [r.title, r.summary, ...r.sections.flatMap((s) => [s.heading, ...s.blocks.map((b) => (b.type === 'text' ? b.text : ''))])].join('\n') };
}

/** The digest as a Reply, with the timeline chart attached when given, under its "what matters today". */
export function digestReply(d: DigestData, chart: Buffer | null, today: Narration | null = null): Reply {
  const nodes = d.systems.reduce((n, s) => n + s.nodes.length, 0);
  const down = d.systems.reduce((n, s) => n + s.down, 0);
  const degraded = d.systems.reduce((n, s) => n + s.degraded, 0);
  const title = d.allClear
    ? 'Health digest: all clear'
    : `Health digest: ${[down ? `${down} down` : '', degraded ? `${degraded} degraded` : '', d.alerts.firing.length ? `${d.alerts.firing.length} alert${d.alerts.firing.length === 1 ? '' : 's'} firing` : '', d.unresolved.length ? `${d.unresolved.length} unresolved` : ''].filter(Boolean).join(', ') || 'attention needed'}`;
  const summary = d.allClear
    ? `All clear: ${nodes} node${nodes === 1 ? '' : 's'} up across ${d.systems.length} system${d.systems.length === 1 ? '' : 's'}, no failing checks, ${d.pastes.total} paste${d.pastes.total === 1 ? '' : 's'} in the last 24 h, no unresolved threads.`
    : `${nodes} nodes: ${down} down, ${degraded} degraded. ${d.failing.length} failing check${d.failing.length === 1 ? '' : 's'}, ${d.pastes.total} paste${d.pastes.total === 1 ? '' : 's'} in the last 24 h.`;
  const sections: ReplySection[] = today ? [{ heading: 'What matters today', blocks: [{ type: 'text', text: today.fields.paragraph! }] }] : [];
  if (d.systems.length) sections.push({ heading: 'Nodes by system', blocks: [{ type: 'text', text: d.systems.map((s) => `- ${s.system}: ${s.up} up, ${s.degraded} degraded, ${s.down} down${s.unknown ? `, ${s.unknown} unknown` : ''}`).join('\n') }] });
  if (d.changes.length) {
    sections.push({ heading: d.lastDigestAt ? 'Changed since the last digest' : 'Changes', blocks: [{ type: 'text', text: d.changes.map((c) => `- ${c.change === 'failure' ? 'New failure' : 'Recovered'}: ${c.node} / ${c.check} (${c.status.toUpperCase()} since ${c.since})`).join('\n') }] });
  }
  if (d.failing.length) {
    sections.push({ heading: 'Failing checks', blocks: [{ type: 'text', text: d.failing.map((f) => `- ${f.status.toUpperCase()} ${f.node} / ${f.check}: ${f.message}${f.fix ? `\n  Fix: ${f.fix.title} [${f.fix.cardId}]` : ''}`).join('\n') }] });
  }
  if (d.alerts.firing.length) {
    sections.push({ heading: 'Alerts still firing', blocks: [{ type: 'text', text: d.alerts.firing.map((f) => `- ${f.name} on ${f.node ?? 'no registered node'}${f.severity ? ` (${f.severity})` : ''}, since ${f.since.replace('T', ' ').slice(0, 16)} UTC`).join('\n') }] });
  }
  if (d.alerts.perNode.length) {
    sections.push({ heading: 'Alerts per node (24 h)', blocks: [{ type: 'text', text: d.alerts.perNode.map((a) => `- ${a.node}: ${a.count} notification${a.count === 1 ? '' : 's'}`).join('\n') }] });
  }
  if (d.pastes.fingerprints.length) {
    sections.push({ heading: 'Top errors pasted (24 h)', blocks: [{ type: 'text', text: d.pastes.fingerprints.map((p) => `- ${p.count}x ${p.title ?? 'no guide section'} (${p.fingerprint}), ${Math.round(p.fixedShare * 100)}% marked fixed`).join('\n') }] });
  }
  if (d.bundles.length) {
    sections.push({ heading: 'Bundles analyzed', blocks: [{ type: 'text', text: d.bundles.map((b) => `- ${b.name}: ${b.failures} failures, ${b.warnings} warnings${b.top.length ? `; ${b.top.slice(0, 3).join('; ')}` : ''}`).join('\n') }] });
  }
  if (d.escalations.length) {
    sections.push({ heading: 'Escalations', blocks: [{ type: 'text', text: d.escalations.map((e) => `- ${e.action} ${e.where}#${e.number} (${e.fingerprint}) ${e.url}`).join('\n') }] });
  }
  if (d.unresolved.length) {
    sections.push({ heading: 'Threads still unresolved', blocks: [{ type: 'text', text: d.unresolved.map((u) => `- ${u.title ?? u.fingerprint}: ${u.platform} ${u.channelId}${u.threadId ? `/${u.threadId}` : ''}, ${u.hours} h without "Fixed it"`).join('\n') }] });
  }
  return {
    title,
    summary,
    sections,
    citations: [],
    actions: [],
    attachments: chart ? [{ name: `digest-${d.at.slice(0, 10)}.png`, contentType: 'image/png', base64: chart.toString('base64') }] : [],
    notes: [...(d.lastDigestAt ? [`Changes are since the last digest (${ago(d.lastDigestAt, d.at)} ago).`] : []), ...(today?.by === 'model' ? ['"What matters today" was written by a model from the digest below.'] : [])],
  };
}
