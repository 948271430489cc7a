import { packageBuild } from '../../tsup.package.ts';

// The main entry is browser-safe; ./node holds the run directory and the worker threads. The
// step worker is loaded by file (new Worker(new URL('./step-worker.js', import.meta.url))).
export default packageBuild([], {
  entry: { index: 'src/index.ts', node: 'src/node.ts', 'step-worker': 'src/parallel/step-worker.ts' },
  dts: { entry: { index: 'src/index.ts', node: 'src/node.ts' } },
  splitting: true,
});
