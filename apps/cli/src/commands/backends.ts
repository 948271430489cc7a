import type { Command } from 'commander';
import { listBackendPlugins } from '@procrustes/core';
import { formatTable } from '../table.js';

export function addBackendsCommand(program: Command): void {
  program
    .command('backends')
    .description('list the backend plugins and whether each can run here (and why not)')
    .option('--activate', 'also activate each available backend and report the device it runs on')
    .option('--json', 'print JSON')
    .action(async (options: { activate?: boolean; json?: boolean }) => {
      const rows = [];
      for (const plugin of listBackendPlugins()) {
        const availability = await plugin.checkAvailability();
        let device: string | undefined;
        if (options.activate && availability.available) device = (await plugin.activate()).device;
        rows.push({ name: plugin.name, description: plugin.description, ...availability, device });
      }
      if (options.json) {
        console.log(JSON.stringify({ backends: rows }, null, 2));
        return;
      }
      console.log(
        formatTable(
          ['backend', 'usable here', 'notes'],
          rows.map((r) => [r.name, r.available ? 'yes' : 'no', [r.device, r.reason].filter(Boolean).join('; ') || r.description]),
        ),
      );
      for (const r of rows.filter((r) => !r.available && r.fix)) console.log(`\nto use '${r.name}': ${r.fix}`);
    });
}
