import type { Command } from 'commander';
import { writeRunReport } from '@procrustes/report';
import { usageError } from '@procrustes/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function addReportCommand(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report with SVG and PNG figures for a run directory')
    .argument('<run>', 'run directory (as given to train --out)')
    .option('--out <dir>', 'where to write it (default <run>/report)')
    .action(async (run: string, options: { out?: string }) => {
      if (!existsSync(join(run, 'config.json'))) throw usageError(`${run} is not a run directory (no config.json)`);
      const { html, figures } = await writeRunReport(run, options.out);
      console.log(`report: ${html} (${figures.length} figures, each as SVG and PNG)`);
    });
}
