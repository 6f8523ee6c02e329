import { findLines } from '../inventory.js';
import { type Analyzer, type Verdict, snapshotsOf } from './analyzer.js';

const TOPIC = /disk|space|storage/i;

const FAIL_AT = 90;
const WARN_AT = 80;
const IGNORED_FS = /^(?:tmpfs|devtmpfs|overlay|shm|udev|none|squashfs|efivarfs)$/;

/** Disk usage from `df -h` output: above 90% used fails, above 80% warns. */
export const disk: Analyzer = {
  name: 'disk',
  async run(view) {
    const out: Verdict[] = [];
    for (const f of snapshotsOf(view, 'df')) {
      const text = await view.files.text(f);
      const rows = findLines(text, /\s\d{1,3}%\s+\/\S*\s*$/);
      let worst = 0;
      for (const r of rows) {
        const cols = r.text.trim().split(/\s+/);
        const pct = Number(cols.at(-2)?.replace('%', ''));
        const mount = cols.at(-1)!;
        if (IGNORED_FS.test(cols[0]!) || /^\/(?:snap|boot\/efi)/.test(mount)) continue;
        worst = Math.max(worst, pct);
        if (pct > WARN_AT) {
          const used = cols.length >= 6 ? ` (${cols[2]} of ${cols[1]} used)` : '';
          out.push({
            outcome: pct > FAIL_AT ? 'fail' : 'warn',
            title: `Disk ${mount} is ${pct}% full`,
            message: `${mount} on ${cols[0]} is ${pct}% used${used}. Above ${FAIL_AT}% builds, caches and logs start failing with "No space left on device".`,
            evidence: [{ file: f.name, line: r.line, text: r.text }],
            query: 'No space left on device disk full', topic: TOPIC,
          });
        }
      }
      if (rows.length && worst <= WARN_AT) out.push({ outcome: 'pass', title: 'Disk space', message: `Every filesystem in ${f.name} is at most ${worst}% used.`, evidence: [] });
    }
    return out;
  },
};
