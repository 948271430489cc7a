import type { Command } from 'commander';
import { usageError } from '@procrustes/core';
import { hasCheckpoint, insideRunWorkingDirectory, readRunConfig, verifiedCheckpointDirectory } from '@procrustes/train/node';

export function addReportCommand(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report with SVG and PNG figures for a run directory')
    .argument('<run>', 'run directory (as given to train --out)')
    .option('--out <dir>', 'where to write it (default <run>/report)')
    .option('--previous-checkpoint', 'verify the run against its checkpoint before the newest')
    .action(async (run: string, options: { out?: string; previousCheckpoint?: boolean }) => {
      await readRunConfig(run);
      const working = options.out === undefined ? undefined : insideRunWorkingDirectory(run, options.out);
      if (working)
        throw usageError(`--out ${options.out} lies in ${working}, which the run's next writer replaces or removes: choose a directory outside it (default ${run}/report)`);
      // The records are reported only if the checkpoint vouches for them (config and records sealed in its manifest).
      if (hasCheckpoint(run)) await verifiedCheckpointDirectory(run, options.previousCheckpoint ? 'previous' : 'latest');
      // The report package (ECharts, PNG rendering) loads in about a second: only when drawing.
      const { writeRunReport } = await import('@procrustes/report/node');
      const { html, figures } = await writeRunReport(run, options.out);
      console.log(`report: ${html} (${figures.length} figure${figures.length === 1 ? '' : 's'}, each as SVG and PNG)`);
    });
}
