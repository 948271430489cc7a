import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isUsageError } from '@procrustes/core';
import { registerCliBackends } from './backends.js';
import { addBackendsCommand } from './commands/backends.js';
import { addModelsCommand } from './commands/models.js';
import { addTrainCommand } from './commands/train.js';
import { addEvalCommand } from './commands/eval.js';
import { addStartCommand } from './commands/start.js';
import { addSpectrumCommands } from './commands/spectrum.js';
import { addBenchCommand } from './commands/bench.js';
import { addRatiosCommand } from './commands/ratios.js';
import { addReportCommand } from './commands/report.js';
import { addCompareCommand } from './commands/compare.js';
import { addBenchSuiteCommand } from './commands/bench-suite.js';
import { addBenchKernelsCommand } from './commands/bench-kernels.js';
import { addStudyCommand } from './commands/study.js';

/** The CLI's version, from its package.json (beside dist/ and src/ alike). */
export function cliVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export function createProgram(): Command {
  registerCliBackends();
  const program = new Command('procrustes')
    .description('Norm-preserving very deep residual networks (ResNet, plain, Procrustes ResNet) on TensorFlow.js')
    .version(cliVersion(), '--version', 'print the version of the procrustes command')
    .option('--debug', 'show stack traces of failures')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  addBackendsCommand(program);
  addModelsCommand(program);
  addTrainCommand(program);
  addEvalCommand(program);
  addStartCommand(program);
  addSpectrumCommands(program);
  addBenchCommand(program);
  addRatiosCommand(program);
  addReportCommand(program);
  addCompareCommand(program);
  addBenchSuiteCommand(program);
  addBenchKernelsCommand(program);
  addStudyCommand(program);
  return program;
}

/**
 * Runs the CLI. Bad input of any kind exits 2 with a short message; any other failure exits 1
 * with what went wrong; stack traces only with --debug.
 */
const RUN_STOPS = new Set(['NonFiniteError', 'DivergenceError', 'CheckpointWriteError']);

export async function runCli(argv: string[]): Promise<number> {
  const program = createProgram();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    // A command may set an exit code of its own (e.g. 130/143 after saving on a signal).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (unknown option or command, bad value).
      return error.exitCode === 0 ? 0 : 2;
    }
    if (isUsageError(error)) {
      console.error(`procrustes: ${(error as Error).message}`);
      if (debug) console.error((error as Error).stack);
      return 2;
    }
    console.error(`procrustes: ${(error as Error)?.message ?? String(error)}`);
    if (debug) console.error((error as Error)?.stack);
    // A run that stopped for a reason it states (non-finite values, divergence, a full disk) is no bug to trace.
    else if (!RUN_STOPS.has((error as Error)?.name)) console.error('(run with --debug for the stack trace)');
    return 1;
  }
}
