import { X509Certificate } from 'node:crypto';
import type { Analyzer, Verdict } from './analyzer.js';

const TOPIC = /tls|certificate|x509|ssl/i;

const WARN_DAYS = 14;
const PEM = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Certificate expiry for PEM files in the bundle: expired fails, under 14 days warns. */
export const certs: Analyzer = {
  name: 'certs',
  async run(view) {
    const now = Date.now();
    const out: Verdict[] = [];
    for (const f of view.entries.filter((e) => e.kind === 'cert')) {
      const text = await view.files.text(f);
      for (const m of text.matchAll(PEM)) {
        const line = text.slice(0, m.index).split('\n').length;
        let cert: X509Certificate;
        try {
          cert = new X509Certificate(m[0]);
        } catch {
          out.push({ outcome: 'warn', title: `Unreadable certificate in ${f.name}`, message: 'A PEM block that does not parse as an X.509 certificate.', evidence: [{ file: f.name, line, text: '-----BEGIN CERTIFICATE-----' }] });
          continue;
        }
        const subject = cert.subject.split('\n').find((s) => s.startsWith('CN=')) ?? cert.subject.split('\n')[0] ?? 'certificate';
        const days = Math.floor((Date.parse(cert.validTo) - now) / 86_400_000);
        const ev = [{ file: f.name, line, text: `${subject}, valid until ${cert.validTo}` }];
        if (days < 0) out.push({ outcome: 'fail', title: `Certificate expired: ${subject}`, message: `${f.name}: ${subject} expired ${-days} days ago (${cert.validTo}). TLS connections to it fail with "certificate has expired".`, evidence: ev, query: 'x509: certificate has expired or is not yet valid', topic: TOPIC });
        else if (days < WARN_DAYS) out.push({ outcome: 'warn', title: `Certificate expires in ${days} days: ${subject}`, message: `${f.name}: ${subject} expires ${cert.validTo}.`, evidence: ev, query: 'x509: certificate has expired', topic: TOPIC });
        else out.push({ outcome: 'pass', title: `Certificate ${subject}`, message: `Valid for ${days} more days.`, evidence: [] });
      }
    }
    return out;
  },
};
