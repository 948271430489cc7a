#!/usr/bin/env node
import { runCli } from './program.js';
import { loadedTfjsCoreCopies, tfjsCopiesWarning } from './tfjs-copies.js';

const copies = tfjsCopiesWarning(loadedTfjsCoreCopies());
if (copies) console.error(copies);

process.exitCode = await runCli(process.argv.slice(2));
