import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The one module with a side effect, kept in its own file so that `sideEffects` can name it.
    // tfjs-core's gradient registrations ship only as extensionless ESM that plain Node cannot
    // load; bundling that file (and the internal modules it imports) makes it loadable. The
    // engine and registries it touches are process-global, so they are shared with the
    // @tensorflow/tfjs-core the user installed.
    entry: ['src/register-gradients.ts'],
    format: ['esm'],
    dts: false,
    clean: false,
    splitting: false,
    sourcemap: false,
    target: 'es2022',
    noExternal: [/@tensorflow\/tfjs-core\/dist\/register_all_gradients/],
  },
  {
    entry: ['src/index.ts', 'src/node.ts'],
    format: ['esm'],
    dts: true,
    clean: false,
    splitting: true,
    sourcemap: true,
    target: 'es2022',
    external: ['./register-gradients.js'],
  },
]);
