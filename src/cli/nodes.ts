import type { Command } from 'commander';
import { loadConfig } from '../config.js';

export function register(program: Command): void {
  program
    .command('nodes')
    .description('list registered nodes, their checks and their last status')
    .addHelpText('after', '\nExamples:\n  $ medic nodes --config ./medic.yaml')
    .option('--json', 'print as JSON')
    .action(async (o: { json?: boolean }) => {
      const [{ checksOf, nodeStatus }, { openStore }] = await Promise.all([import('../checks/run.js'), import('../app.js')]);
      const cfg = loadConfig();
      const store = await openStore(cfg, 'last status from');
      const rows = [];
      for (const n of cfg.nodes) {
        const last = await store.checkHistory(n.name, 1);
        const status = nodeStatus(last);
        rows.push({ name: n.name, system: n.system, host: n.host, labels: n.labels, checks: checksOf(n, cfg.systems).map((c) => c.name), status, lastChecked: last[0]?.at ?? null, last });
      }
      await store.close();
      if (o.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      else if (rows.length === 0) process.stdout.write('no nodes registered; declare them under "nodes:" in medic.yaml\n');
      else for (const r of rows) process.stdout.write(`${r.name}  ${r.system}  ${r.host}  ${r.status}${r.lastChecked ? ` (checked ${r.lastChecked})` : ''}  checks: ${r.checks.join(', ')}\n`);
    });
}
