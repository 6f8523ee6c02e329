import { findLine } from '../inventory.js';
import { type Analyzer, type Verdict, valuesOf } from './analyzer.js';
import { durationSeconds } from './duration.js';

const LOOPBACK = /\/ip4\/127\.|\/ip6\/::1\/|^(?:127\.|localhost|\[::1\])/;
/** The guide's recommended floors (Lloom guide, "Peers disconnect frequently"). */
const TIMEOUT_FLOORS: Record<string, number> = { connection_timeout_secs: 30, request_timeout_secs: 120, idle_timeout_secs: 300 };

/** Lloom configs: `listen_address` bound to loopback (no peer can dial in), and timeouts below the guide's values. */
export const lloomConfig: Analyzer = {
  name: 'lloom-config',
  async run(view) {
    const out: Verdict[] = [];
    for (const c of view.configs.filter((c) => c.entry.format === 'toml')) {
      for (const doc of c.docs) {
        const listens = valuesOf(doc, 'listen_address');
        for (const l of listens) {
          const addrs = (Array.isArray(l.value) ? l.value : [l.value]).map(String);
          const bad = addrs.find((a) => LOOPBACK.test(a));
          if (!bad) continue;
          const at = findLine(c.text, /listen_address\s*=/);
          out.push({ outcome: 'fail', system: 'lloom', title: 'P2P listens on loopback only', message: `${c.entry.name}: ${l.path.join('.')} is "${bad}", so no peer can connect; listen on /ip4/0.0.0.0/tcp/4001.`, evidence: at ? [{ file: c.entry.name, line: at.line, text: at.text }] : [], query: 'lloom_core::network: No peers connected Failed to dial bootstrap peer listen_address' });
        }
        for (const [key, floor] of Object.entries(TIMEOUT_FLOORS)) {
          for (const t of valuesOf(doc, key)) {
            const secs = durationSeconds(t.value);
            if (secs === null || secs >= floor) continue;
            const at = findLine(c.text, new RegExp(`^\\s*${key}\\s*=`));
            out.push({ outcome: 'warn', system: 'lloom', title: `Short ${key}: ${secs}s`, message: `${c.entry.name}: ${t.path.join('.')} is ${secs}s; the guide suggests at least ${floor}s, or peers and requests time out.`, evidence: at ? [{ file: c.entry.name, line: at.line, text: at.text }] : [], query: key.startsWith('request') ? 'lloom_client: Request timeout after 120 seconds' : 'lloom_core::network: Peer disconnected (reason: Timeout)' });
          }
        }
        if (listens.length && !out.some((r) => r.evidence.some((e) => e.file === c.entry.name))) {
          out.push({ outcome: 'pass', system: 'lloom', title: 'Lloom network config', message: `${c.entry.name}: listen address and timeouts look right.`, evidence: [] });
        }
      }
    }
    return out;
  },
};
